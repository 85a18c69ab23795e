using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tests.Cli;

namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary><c>hyperfit annotate serve</c>'s refusals: one line naming the flag or folder, exit code 1, no server left
/// running. (Serving, SIGKILL and SIGTERM: <see cref="AnnotationKillTests"/>.)</summary>
[Collection(ConsoleTests.Name)]
public sealed class AnnotateServeCommandTests
{
    [Theory]
    [InlineData("--host", "example.org", "error: host: 'example.org' is not an IP address")]
    [InlineData("--port", "70000", "error: port: 70000 is not a TCP port")]
    [InlineData("--hold-minutes", "0", "error: --hold-minutes: 0 must be a positive number of minutes")]
    public void Should_RefuseBadOptions_WithOneLineNamingTheFlag(string flag, string value, string expected)
    {
        using var study = new WebStudy(contextsPerSet: 1);
        string[] port = flag == "--port" ? [] : ["--port", "0"];
        var (code, output, error) = CliRunner.Run(["annotate", "serve", "--study", study.Directory, .. port, flag, value]);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Should_RefuseAFolderThatIsNotAStudy()
    {
        using var dir = new TempDirectory();
        var (code, _, error) = CliRunner.Run("annotate", "serve", "--study", dir.Path, "--port", "0");
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir.Path}: not a study folder (no study.db; make one with 'hyperfit annotate build')", error.TrimEnd());
    }
}
