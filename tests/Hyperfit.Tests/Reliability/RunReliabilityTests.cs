using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hyperfit.Experiments;
using Hyperfit.IO;
using Hyperfit.Tests.Experiments;
using Hyperfit.Tests.Training;
using Hyperfit.Training;

namespace Hyperfit.Tests.Reliability;

/// <summary>hyperfit run / demo under interruptions and a second writer, in real processes (issue 16: items 1, 2, 5, 9, 10).</summary>
public sealed class RunReliabilityTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    /// <summary>The tiny spec with one hyperfitted variant trained for <paramref name="updates"/> updates, greedy
    /// decodings of base and hyperfitted, text metrics only.</summary>
    private string Spec(int updates, int checkpointEvery = 0, string name = "run.json") => _fixture.WriteSpec(s =>
    {
        var hyperfit = s["hyperfit"]!.AsObject();
        hyperfit.Remove("sample_sweep");
        hyperfit["variants"] = new JsonArray("hyperfitted");
        var recipe = hyperfit["recipe"]!.AsObject();
        recipe["max_updates"] = updates;
        recipe["validate_every"] = 5;
        recipe["checkpoint_every"] = checkpointEvery;
        s["decoding"] = JsonNode.Parse("""{ "base_greedy": { "model": "base" }, "hyperfitted_greedy": { "model": "hyperfitted" } }""");
        s["metrics"] = JsonNode.Parse("""["text"]""");
    }, name);

    private static string Step(string outDir) => Path.Combine(outDir, ExperimentRunner.StepsFolder, ExperimentPlan.TrainStep("hyperfitted", 42));

    [Theory]
    [InlineData("run", "-INT", 130, "SIGINT")]
    [InlineData("demo", "-TERM", 143, "SIGTERM")]
    public async Task Should_checkpoint_the_training_step_on_a_signal_and_refuse_a_second_writer_meanwhile(string command, string signal, int exitCode, string name)
    {
        // Given a run (or demo) whose training step has started a very long training
        var spec = Spec(updates: 100000);
        var outDir = Path.Combine(_fixture.Root, command);
        string[] args = command == "run" ? ["run", spec, "--out", outDir] : ["demo", "--spec", spec, "--out", outDir];
        using var process = CliTrainingFixture.Start(args);
        try
        {
            await SignalWhileTraining(process, args, outDir, signal, exitCode, name);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // a failed assertion must not leave a 100000-update run behind
            }
        }
    }

    private static async Task SignalWhileTraining(Process process, string[] args, string outDir, string signal, int exitCode, string name)
    {
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();

        // The training log appears at the first validation (update 0), when the training step runs; 100000 updates
        // take far longer than the rest of the test, so the signal arrives during training. (The loop's limit is a
        // guard against a hang, not a timing assertion.)
        var log = Path.Combine(Step(outDir), TrainingLog.FileName);
        var guard = Stopwatch.StartNew();
        while (!File.Exists(log) && !process.HasExited && guard.Elapsed < TimeSpan.FromSeconds(120))
        {
            Thread.Sleep(20);
        }

        Assert.True(File.Exists(log) && !process.HasExited,
            process.HasExited ? $"the run ended before the test could signal it: {await stderr}" : "no training log after 120 s");

        // When a second run writes into the same folder, it is refused in one line naming the folder and the holder
        var (code, _, error) = CliTrainingFixture.Run(args);
        Assert.True(code == 1, error);
        Assert.True(error.StartsWith("error:", StringComparison.Ordinal), error);
        Assert.StartsWith($"error: {outDir}: in use by another Hyperfit process (pid {process.Id}: hyperfit run, since ", error.Trim(), StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));

        // When the first one gets the signal (Ctrl-C / SIGTERM from Slurm, docker stop, systemd, timeout)
        using (var kill = Process.Start("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "no exit after the signal");

        // Then the training step wrote a checkpoint, the command said so in one line and exited 130 / 143; the step is
        // unfinished (no done marker) and the lock is released
        Assert.Equal(exitCode, process.ExitCode);
        Assert.Contains($"{name}: stopped; run the same command again to continue", await stderr, StringComparison.Ordinal);
        Assert.Contains("train-hyperfitted-s42: stopped (stopped at update ", await stdout, StringComparison.Ordinal);
        Assert.NotNull(TrainingCheckpoint.Find(Step(outDir)));
        Assert.False(File.Exists(Path.Combine(Step(outDir), ExperimentRunner.DoneFile)));
        Assert.False(File.Exists(Path.Combine(outDir, OutputLock.OwnerFileName)));
    }

    [Fact]
    public void Should_resume_an_interrupted_training_step_to_the_uninterrupted_runs_weights()
    {
        // Given an uninterrupted run of a spec that trains 20 updates (checkpoint every 5)
        var spec = Spec(updates: 20, checkpointEvery: 5);
        var straight = Path.Combine(_fixture.Root, "straight");
        var (code, _, error) = CliTrainingFixture.Run("run", spec, "--out", straight);
        Assert.True(code == 0, error);

        // When the same run, in another process, is killed right after its training step's second checkpoint (update 10)
        var killed = Path.Combine(_fixture.Root, "killed");
        using (var process = CliTrainingFixture.Start(new Dictionary<string, string> { [TrainingCheckpoint.KillAfterCheckpointVariable] = "2" },
                   "run", spec, "--out", killed))
        {
            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "the run neither finished nor killed itself");
            Assert.Equal(137, process.ExitCode);
        }

        Assert.Equal(10, TrainingCheckpoint.ReadState(TrainingCheckpoint.Find(Step(killed))!).Position.UpdateCounter);
        var (rerun, output, rerunError) = CliTrainingFixture.Run("run", spec, "--out", killed);

        // Then the rerun reuses the finished steps, resumes the training step from its checkpoint instead of starting
        // over, and ends with the uninterrupted run's weights, log and numbers; the checkpoint is dropped afterwards
        Assert.True(rerun == 0, rerunError);
        Assert.Contains("train-hyperfitted-s42: resuming from its checkpoint", output, StringComparison.Ordinal);
        Assert.Contains("prepare-fiction: done earlier, skipped", output, StringComparison.Ordinal);
        Assert.DoesNotContain("update 4/20", output, StringComparison.Ordinal); // updates 1–10 are not trained again
        string Final(string run) => Path.Combine(Step(run), HyperfitTrainer.FinalDirectoryName, "model.safetensors");
        Assert.Equal(File.ReadAllBytes(Final(straight)), File.ReadAllBytes(Final(killed)));
        var logA = JsonNode.Parse(File.ReadAllText(Path.Combine(Step(straight), TrainingLog.FileName)))!["logs"]!;
        var logB = JsonNode.Parse(File.ReadAllText(Path.Combine(Step(killed), TrainingLog.FileName)))!["logs"]!;
        Assert.True(JsonNode.DeepEquals(logA, logB));
        Assert.Null(TrainingCheckpoint.Find(Step(killed)));
        var card = File.ReadAllText(Path.Combine(Step(killed), HyperfitTrainer.FinalDirectoryName, ModelCard.FileName));
        Assert.StartsWith("# tiny, trained by Hyperfit", card, StringComparison.Ordinal); // its own card, not the base model's README
        Assert.Contains("| Updates | 20 (max_updates 20), seed 42 |", card, StringComparison.Ordinal);
        Assert.Equal(ResultsFile.Read(Path.Combine(straight, ResultsFile.FileName)).Table1!.Select(r => r.Ttr256),
            ResultsFile.Read(Path.Combine(killed, ResultsFile.FileName)).Table1!.Select(r => r.Ttr256));
    }

    [Fact]
    public void Should_refuse_too_many_contexts_and_a_file_as_out_before_any_step_and_leave_nothing_behind()
    {
        // Given a spec asking for more contexts than its file holds (fiction.jsonl has 3 documents)
        var tooMany = _fixture.WriteSpec(s => s["context_sets"]!["fiction"]!["contexts"] = 7, "too-many.json");
        var outDir = Path.Combine(_fixture.Root, "out-too-many");

        // When it runs
        var (code, _, error) = CliTrainingFixture.Run("run", tooMany, "--out", outDir);

        // Then it fails in one line before any step, and leaves nothing behind
        Assert.Equal(1, code);
        Assert.Contains("context set 'fiction' has 3 documents with at least 6 + 8 tokens, fewer than the 7 contexts asked for", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(outDir));

        // When the corrected spec (another spec) runs into that folder, it needs no --force
        var corrected = Spec(updates: 2, name: "too-many.json");
        (code, _, error) = CliTrainingFixture.Run("run", corrected, "--out", outDir);
        Assert.True(code == 0, error);

        // When --out names a file, run and demo refuse in one line naming it
        var file = Path.Combine(_fixture.Root, "a-file");
        File.WriteAllText(file, "x");
        foreach (var args in new[] { new[] { "run", corrected, "--out", file }, ["demo", "--spec", corrected, "--out", file] })
        {
            (code, _, error) = CliTrainingFixture.Run(args);
            Assert.Equal(1, code);
            Assert.Equal($"error: --out {file}: is a file; the run's output is a folder (steps/, spec.json, results.json, report.md)", error.Trim());
        }
    }
}
