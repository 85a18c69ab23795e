using System.Diagnostics;
using Hyperfit.Runtime;
using Hyperfit.Tests.Training;

namespace Hyperfit.Tests.Runtime;

public sealed class OpenMpWaitPolicyTests
{
    [Fact]
    public void Should_describe_the_policy_in_force()
    {
        // Given the test process, initialised like any Hyperfit process (TestModuleInit)
        // When the policy is described, then it names a value and where it came from
        var described = OpenMpWaitPolicy.Describe();
        Assert.Matches(@"^\S+ \((Hyperfit's default|from the environment)\)$", described);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable)))
        {
            Assert.Equal("PASSIVE (Hyperfit's default)", described);
        }
    }

    [LinuxTheory]
    [InlineData(null, "PASSIVE")]
    [InlineData("ACTIVE", "ACTIVE")]
    public void Should_make_libtorchs_openmp_sleep_unless_the_environment_chose(string? environment, string expected)
    {
        // Given a hyperfit process whose libgomp prints the settings it read (OMP_DISPLAY_ENV), with or without a policy
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliTrainingFixture.CliDll);
        foreach (var a in new[] { "bench", "generate", "--random-model", "--batch", "1", "--context-tokens", "2", "--new-tokens", "1", "--cached-only", "--json" })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment["OMP_DISPLAY_ENV"] = "TRUE";
        info.Environment.Remove(OpenMpWaitPolicy.Variable);
        if (environment is not null)
        {
            info.Environment[OpenMpWaitPolicy.Variable] = environment;
        }

        // When it runs (loading libtorch)
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "hyperfit bench generate did not finish");

        // Then libgomp saw the expected policy, and the benchmark reports it
        var all = output.Result + error.Result;
        Assert.True(process.ExitCode == 0, all);
        Assert.Contains($"OMP_WAIT_POLICY = '{expected}'", all, StringComparison.Ordinal);
        Assert.Contains($"\"OmpWaitPolicy\": \"{expected} (", output.Result, StringComparison.Ordinal);
    }
}
