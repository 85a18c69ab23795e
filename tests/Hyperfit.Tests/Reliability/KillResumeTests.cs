using Hyperfit.Checkpoints;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.Experiments;
using Hyperfit.Tests.HumanStudy;
using Hyperfit.Tests.Training;
using Hyperfit.Training;

namespace Hyperfit.Tests.Reliability;

/// <summary>
/// SIGKILL at an exact point, in real processes (issue 16: interruptions and debris for every entry point that writes
/// files). The kill points are test-only hooks: <see cref="HfModelSaver.KillBeforeRenameVariable"/> (an atomic write's
/// temporary file written, not yet renamed) and <see cref="TrainingCheckpoint.KillAfterCheckpointVariable"/>. After the
/// kill the output file is absent or the previous one (never half-written), the temporary file is left as debris; the
/// same command run again removes the debris, and writes what an uninterrupted run writes. train and run/demo have
/// theirs in TrainCommandTests and RunReliabilityTests.
/// </summary>
public sealed class KillResumeTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static int RunKilled(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = CliTrainingFixture.Start(environment, args);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hyperfit {string.Join(' ', args)} neither finished nor killed itself");
        }

        return process.ExitCode;
    }

    private static Dictionary<string, string> KillBeforeRenameOf(string file) => new() { [HfModelSaver.KillBeforeRenameVariable] = file };

    private static string[] Debris(string folder, string file) =>
        [.. Directory.GetFiles(folder, $".{file}.*.tmp").Select(Path.GetFileName).OfType<string>()];

    [Fact]
    public void Should_leave_no_half_written_generations_or_metrics_after_a_kill_and_write_them_whole_on_the_rerun()
    {
        // Given a straight generate + evaluate of the tiny model
        var outDir = Directory.CreateDirectory(Path.Combine(_fixture.Root, "out")).FullName;
        string[] Generate(string file) =>
        [
            "generate", "--model", Path.Combine(_fixture.Root, "models", "tiny"), "--contexts", Path.Combine(_fixture.Root, "data", "fiction.jsonl"),
            "--context-tokens", "4", "--new-tokens", "6", "--out", Path.Combine(outDir, file),
        ];
        string[] Evaluate(string generations, string file) => ["evaluate", "--generations", Path.Combine(outDir, generations), "--out", Path.Combine(outDir, file)];
        var (code, _, error) = CliTrainingFixture.Run(Generate("straight.jsonl"));
        Assert.True(code == 0, error);
        (code, _, error) = CliTrainingFixture.Run(Evaluate("straight.jsonl", "straight.json"));
        Assert.True(code == 0, error);

        // When generate is killed with its generations written to the temporary file, not yet renamed
        Assert.Equal(137, RunKilled(KillBeforeRenameOf("gen.jsonl"), Generate("gen.jsonl")));

        // Then there is no gen.jsonl, only its temporary file; the rerun removes it and writes the straight run's lines
        Assert.False(File.Exists(Path.Combine(outDir, "gen.jsonl")));
        Assert.Single(Debris(outDir, "gen.jsonl"));
        (code, _, error) = CliTrainingFixture.Run(Generate("gen.jsonl"));
        Assert.True(code == 0, error);
        Assert.Empty(Debris(outDir, "gen.jsonl"));
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "straight.jsonl")), File.ReadAllText(Path.Combine(outDir, "gen.jsonl")));

        // When evaluate is killed the same way before metrics.json's rename
        Assert.Equal(137, RunKilled(KillBeforeRenameOf("metrics.json"), Evaluate("gen.jsonl", "metrics.json")));

        // Then likewise: no metrics.json, its debris removed by the rerun, the straight run's metrics
        Assert.False(File.Exists(Path.Combine(outDir, "metrics.json")));
        Assert.Single(Debris(outDir, "metrics.json"));
        (code, _, error) = CliTrainingFixture.Run(Evaluate("gen.jsonl", "metrics.json"));
        Assert.True(code == 0, error);
        Assert.Empty(Debris(outDir, "metrics.json"));
        Assert.Equal(Metrics(Path.Combine(outDir, "straight.json")), Metrics(Path.Combine(outDir, "metrics.json")));
    }

    /// <summary>The metrics file without the generations file's own path (the two runs read different files).</summary>
    private static string Metrics(string path) =>
        string.Join('\n', File.ReadAllLines(path).Where(l => !l.Contains(".jsonl", StringComparison.Ordinal)));

    [Fact]
    public void Should_rebuild_a_study_whose_build_was_killed_before_its_manifest()
    {
        // Given a study's inputs
        using var f = new StudyFixture(2, ["fiction"], ["base_greedy", "hyperfitted_greedy"]);
        var study = f.StudyDir();
        string[] build =
        [
            "annotate", "build", "--study", study, "--tokenizer", f.TokenizerDir, "--reference", $"fiction={f.References["fiction"].Path}",
            "--generations", $"base_greedy={f.Generations["base_greedy"].Path}", "--generations", $"hyperfitted_greedy={f.Generations["hyperfitted_greedy"].Path}",
            "--lengths", "128,256",
        ];

        // When the build is killed after its items were committed, before manifest.json's rename
        Assert.Equal(137, RunKilled(KillBeforeRenameOf(StudyManifest.FileName), build));

        // Then the folder is not a study yet (no manifest) and holds the manifest's temporary file
        Assert.False(File.Exists(StudyManifest.PathIn(study)));
        Assert.Single(Debris(study, StudyManifest.FileName));

        // When it is built again, it removes the debris and builds the study whole
        var (code, output, error) = CliTrainingFixture.Run(build);
        Assert.True(code == 0, error);
        Assert.StartsWith($"built {study}: 8 items", output, StringComparison.Ordinal);
        Assert.Empty(Debris(study, StudyManifest.FileName));
        Assert.Equal(8, StudyManifest.Read(study).Items);
    }

    [Fact]
    public void Should_resume_a_killed_pretrain_to_the_uninterrupted_runs_weights()
    {
        // Given a straight pretrain of 8 updates (checkpoint every 2)
        using var cli = new CliTrainingFixture();
        var config = Path.Combine(cli.Root, "pretrain.json");
        File.WriteAllText(config, """{"validation_sequences": 4, "ttr_context_tokens": 8, "ttr_generated_tokens": 8, "dtype": "float32"}""");
        string[] Pretrain(string outDir) =>
        [
            "pretrain", "--model", cli.ModelDir, "--data", cli.DataPath, "--text-field", "body", "--out", outDir, "--config", config,
            "--seq-len", "32", "--batch-size", "8", "--max-updates", "8", "--val-every", "4", "--checkpoint-every", "2",
        ];
        var straight = Path.Combine(cli.Root, "straight");
        var (code, _, error) = CliTrainingFixture.Run(Pretrain(straight));
        Assert.True(code == 0, error);

        // When the same pretrain is killed right after its second checkpoint, then resumed
        var killed = Path.Combine(cli.Root, "killed");
        Assert.Equal(137, RunKilled(new Dictionary<string, string> { [TrainingCheckpoint.KillAfterCheckpointVariable] = "2" }, Pretrain(killed)));
        Assert.Equal(4, TrainingCheckpoint.ReadState(TrainingCheckpoint.Find(killed)!).Position.UpdateCounter);
        (code, _, error) = CliTrainingFixture.Run([.. Pretrain(killed), "--resume"]);

        // Then it ends with the uninterrupted run's weights
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "final", "model.safetensors")), File.ReadAllBytes(Path.Combine(killed, "final", "model.safetensors")));
    }
}
