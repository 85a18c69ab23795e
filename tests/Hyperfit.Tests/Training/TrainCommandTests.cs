using System.Diagnostics;
using System.Text.Json.Nodes;
using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class TrainCommandTests : IClassFixture<CliTrainingFixture>
{
    private readonly CliTrainingFixture _fixture;

    public TrainCommandTests(CliTrainingFixture fixture) => _fixture = fixture;

    private string[] TrainArgs(string outDir, string configPath) =>
    [
        "train", "--model", _fixture.ModelDir, "--data", _fixture.DataPath, "--text-field", "body", "--out", outDir,
        "--config", configPath, "--samples", "16", "--seq-len", "32", "--batch-size", "4", "--lr", "5e-3",
        "--max-updates", "60", "--checkpoint-every", "5", "--val-every", "20", "--val-sequences", "4",
    ];

    private string WriteConfig()
    {
        var path = Path.Combine(_fixture.Root, $"recipe-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"ttr_context_tokens": 8, "ttr_generated_tokens": 8}""");
        return path;
    }

    [Fact]
    public void Should_resume_after_sigkill_and_end_with_the_uninterrupted_runs_weights()
    {
        // Given an uninterrupted CLI run of 60 updates (checkpoint every 5)
        var config = WriteConfig();
        var straight = Path.Combine(_fixture.Root, "straight");
        var (code, _, error) = CliTrainingFixture.Run(TrainArgs(straight, config));
        Assert.True(code == 0, error);

        // When the same run, in another process, is SIGKILLed as soon as a checkpoint exists, then resumed with --resume
        var killed = Path.Combine(_fixture.Root, "killed");
        using (var process = CliTrainingFixture.Start(TrainArgs(killed, config)))
        {
            var deadline = Stopwatch.StartNew();
            while (TrainingCheckpoint.Find(killed) is null && !process.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(10);
            }

            Assert.False(process.HasExited, "the run finished before it could be killed");
            process.Kill(entireProcessTree: true); // SIGKILL: no handler, no cleanup
            process.WaitForExit();
        }

        Assert.False(File.Exists(Path.Combine(killed, HyperfitTrainer.FinalDirectoryName, "model.safetensors")));
        var (resumedCode, _, resumedError) = CliTrainingFixture.Run([.. TrainArgs(killed, config), "--resume"]);

        // Then the final weights are bit-for-bit the uninterrupted run's, and so is the log
        Assert.True(resumedCode == 0, resumedError);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(straight, "final", "model.safetensors")),
            File.ReadAllBytes(Path.Combine(killed, "final", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(killed, "final", "tokenizer.json")));
        var logA = JsonNode.Parse(File.ReadAllText(Path.Combine(straight, TrainingLog.FileName)))!["logs"]!;
        var logB = JsonNode.Parse(File.ReadAllText(Path.Combine(killed, TrainingLog.FileName)))!["logs"]!;
        Assert.True(JsonNode.DeepEquals(logA, logB));
        Assert.Equal([0L, 20L, 40L, 60L], logB.AsArray().Select(e => e!["update_counter"]!.GetValue<long>()));
    }

    [Fact]
    public void Should_fail_in_one_line_when_too_few_documents_qualify()
    {
        // Given sequences longer than any document
        var outDir = Path.Combine(_fixture.Root, "too-long");

        // When training asks for 4096-token sequences
        var (code, _, error) = CliTrainingFixture.Run(
            "train", "--model", _fixture.ModelDir, "--data", _fixture.DataPath, "--text-field", "body", "--out", outDir, "--seq-len", "4096",
            "--samples", "16", "--val-sequences", "4");

        // Then it exits 1 with one line saying how many qualify and how many are needed, and writes nothing
        Assert.Equal(1, code);
        Assert.Equal($"error: {_fixture.DataPath}: 0 of 48 documents have at least 4096 tokens; 20 are needed (16 training + 4 validation)", error.Trim());
        Assert.False(Directory.Exists(outDir));
    }
}
