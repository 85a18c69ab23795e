using System.Diagnostics;
using System.Text.Json.Nodes;
using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class TrainCommandTests : IClassFixture<CliTrainingFixture>
{
    private readonly CliTrainingFixture _fixture;

    public TrainCommandTests(CliTrainingFixture fixture) => _fixture = fixture;

    private string[] TrainArgs(string outDir, string configPath, int maxUpdates = 60, int checkpointEvery = 5) =>
    [
        "train", "--model", _fixture.ModelDir, "--data", _fixture.DataPath, "--text-field", "body", "--out", outDir,
        "--config", configPath, "--samples", "16", "--seq-len", "32", "--batch-size", "4", "--lr", "5e-3",
        "--max-updates", maxUpdates.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--checkpoint-every", checkpointEvery.ToString(System.Globalization.CultureInfo.InvariantCulture), "--val-every", "20", "--val-sequences", "4",
    ];

    private string WriteConfig()
    {
        var path = Path.Combine(_fixture.Root, $"recipe-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"ttr_context_tokens": 8, "ttr_generated_tokens": 8}""");
        return path;
    }

    [Fact]
    public async Task Should_resume_after_sigkill_and_end_with_the_uninterrupted_runs_weights()
    {
        // Given an uninterrupted CLI run of 60 updates (checkpoint every 5)
        var config = WriteConfig();
        var straight = Path.Combine(_fixture.Root, "straight");
        var (code, _, error) = CliTrainingFixture.Run(TrainArgs(straight, config));
        Assert.True(code == 0, error);

        // When the same run, in another process, SIGKILLs itself right after its third checkpoint swap (update 15),
        // leaving the new checkpoint and the previous one, then is resumed with --resume
        var killed = Path.Combine(_fixture.Root, "killed");
        using (var process = CliTrainingFixture.Start(
                   new Dictionary<string, string> { [TrainingCheckpoint.KillAfterCheckpointVariable] = "3" }, TrainArgs(killed, config)))
        {
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "the run neither finished nor killed itself");
            Assert.Equal(137, process.ExitCode); // 128 + SIGKILL
            Assert.DoesNotContain("error", await stderr, StringComparison.Ordinal);
        }

        Assert.Equal(15, TrainingCheckpoint.ReadState(Path.Combine(killed, TrainingCheckpoint.DirectoryName)).Position.UpdateCounter);
        Assert.Single(Directory.GetDirectories(killed, TrainingCheckpoint.DirectoryName + ".old-*"));
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

    [Fact]
    public async Task Should_checkpoint_and_exit_143_on_sigterm_and_refuse_a_second_writer_meanwhile()
    {
        // Given a long run in another process that has started training (its first validation is logged)
        var config = WriteConfig();
        var outDir = Path.Combine(_fixture.Root, "sigterm");
        string[] args = TrainArgs(outDir, config, maxUpdates: 100000, checkpointEvery: 0);
        using var process = CliTrainingFixture.Start(args);
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(outDir, TrainingLog.FileName)) && !process.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(20);
        }

        Assert.False(process.HasExited, "the run ended before the test could signal it");

        // When a second train writes into the same folder, it is refused in one line naming the folder and the holder
        var (code, _, error) = CliTrainingFixture.Run(TrainArgs(outDir, config));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {outDir}: in use by another Hyperfit process (pid {process.Id}: hyperfit train, since ", error.Trim(), StringComparison.Ordinal);

        // When the first gets SIGTERM (as from Slurm, docker stop, systemd or timeout)
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "no exit after SIGTERM");

        // Then it wrote a checkpoint, said so, and exited 143; the checkpoint resumes
        Assert.Equal(143, process.ExitCode);
        Assert.Contains("SIGTERM: stopped at update ", await stderr, StringComparison.Ordinal);
        var state = TrainingCheckpoint.ReadState(TrainingCheckpoint.Find(outDir)!);
        Assert.True(state.Position.UpdateCounter >= 0);
        Assert.False(File.Exists(Path.Combine(outDir, ".hyperfit.lock.owner")));
    }

    [Fact]
    public void Should_remove_debris_of_a_dead_writer_say_a_finished_run_is_finished_and_extend_it()
    {
        // Given a finished 10-update run, and debris of a killed writer in its folder
        var config = WriteConfig();
        var outDir = Path.Combine(_fixture.Root, "finished");
        var args = TrainArgs(outDir, config, maxUpdates: 10);
        var (code, _, error) = CliTrainingFixture.Run(args);
        Assert.True(code == 0, error);
        Assert.Contains("is only needed to extend this run; delete it or pass --drop-checkpoint next time", error, StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(outDir, "ckpt.tmp-999999"));
        File.WriteAllText(Path.Combine(outDir, "final", ".model.safetensors.0123456789abcdef0123456789abcdef.tmp"), "half");

        // When it is resumed unchanged
        string output;
        (code, output, error) = CliTrainingFixture.Run([.. args, "--resume"]);

        // Then the debris is gone with one line, and it says the run was already finished instead of printing a NaN loss
        Assert.True(code == 0, error);
        Assert.Contains($"removed 2 temporary file(s) of an interrupted earlier run in {outDir}", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(outDir, "ckpt.tmp-999999")));
        Assert.Contains("The run had already finished its 10 updates", output, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", output, StringComparison.Ordinal);

        // When it is resumed with more updates, it extends the run and drops the checkpoint on request
        (code, output, error) = CliTrainingFixture.Run([.. TrainArgs(outDir, config, maxUpdates: 12), "--resume", "--drop-checkpoint"]);
        Assert.True(code == 0, error);
        Assert.Contains("Trained 12 updates", output, StringComparison.Ordinal);
        Assert.Null(TrainingCheckpoint.Find(outDir));
    }
}
