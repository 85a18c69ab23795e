using System.Globalization;
using Hyperfit.IO;
using Hyperfit.Tests.Experiments;
using Hyperfit.Tests.Training;

namespace Hyperfit.Tests.Reliability;

/// <summary>generate and evaluate write one output file each: one writer per file (a lock file beside it), another
/// writer refused in one line, debris of a dead writer of that file removed; writers of other files in the folder
/// are not affected.</summary>
public sealed class OutputFileLockTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Should_refuse_a_second_writer_of_a_generations_or_metrics_file_in_one_line()
    {
        // Given a generations file, and this process holding the locks of out/gen.jsonl and out/metrics.json
        var outDir = Directory.CreateDirectory(Path.Combine(_fixture.Root, "out")).FullName;
        var generations = Path.Combine(outDir, "gen.jsonl");
        var metrics = Path.Combine(outDir, "metrics.json");
        string[] generate =
        [
            "generate", "--model", Path.Combine(_fixture.Root, "models", "tiny"), "--contexts", Path.Combine(_fixture.Root, "data", "fiction.jsonl"),
            "--context-tokens", "4", "--new-tokens", "4", "--out", generations,
        ];
        string[] evaluate = ["evaluate", "--generations", generations, "--out", metrics];
        var (code, _, error) = CliTrainingFixture.Run(generate);
        Assert.True(code == 0, error);
        string refused;
        using (OutputLock.AcquireFile(generations, "test holder"))
        using (OutputLock.AcquireFile(metrics, "test holder"))
        {
            // When hyperfit generate and evaluate (other processes) write those files
            (code, _, refused) = CliTrainingFixture.Run(generate);
            Assert.Equal(1, code);
            (code, _, error) = CliTrainingFixture.Run(evaluate);
            Assert.Equal(1, code);

            // Then each is refused in one line naming the file and the holder; a writer of another file in the folder is not
            var holder = $"(pid {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}: test holder, since ";
            Assert.StartsWith($"error: {generations}: being written by another Hyperfit process {holder}", refused.Trim(), StringComparison.Ordinal);
            Assert.StartsWith($"error: {metrics}: being written by another Hyperfit process {holder}", error.Trim(), StringComparison.Ordinal);
            Assert.Single(error.Trim().Split('\n'));
            var other = Path.Combine(outDir, "other.json");
            (code, _, error) = CliTrainingFixture.Run("evaluate", "--generations", generations, "--out", other);
            Assert.True(code == 0, error);
        }

        // When a killed writer left a temporary file of metrics.json (and of metrics.md) and evaluate runs again
        File.WriteAllText(Path.Combine(outDir, ".metrics.json.999999.tmp"), "half");
        File.WriteAllText(Path.Combine(outDir, ".metrics.md.999999.tmp"), "half");
        File.WriteAllText(Path.Combine(outDir, ".other.json.999999.tmp"), "another file's");
        (code, _, error) = CliTrainingFixture.Run(evaluate);

        // Then it writes, removes that file's debris only, and leaves no lock owner behind
        Assert.True(code == 0, error);
        Assert.True(File.Exists(metrics));
        Assert.False(File.Exists(Path.Combine(outDir, ".metrics.json.999999.tmp")));
        Assert.False(File.Exists(Path.Combine(outDir, ".metrics.md.999999.tmp")));
        Assert.True(File.Exists(Path.Combine(outDir, ".other.json.999999.tmp")));
        Assert.Empty(Directory.GetFiles(outDir, "*.owner"));
    }
}
