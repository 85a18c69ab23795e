using System.Text.Json.Nodes;
using Hyperfit.ScaleOut;
using Hyperfit.Tests.Cli;
using Hyperfit.Training;

namespace Hyperfit.Tests.ScaleOut;

[Collection(ConsoleTests.Name)]
public sealed class RunImporterTests : IClassFixture<ScaleOutFixture>
{
    private readonly ScaleOutFixture _fixture;

    public RunImporterTests(ScaleOutFixture fixture) => _fixture = fixture;

    private (string Dir, ScaleOutJob Job, HyperfitRecipe Recipe) Exported(double learningRate = 1e-3)
    {
        var request = _fixture.Request(ScaleOutFixture.Recipe() with { LearningRate = learningRate });
        var job = JobExporter.Export(request);
        return (request.OutputDirectory, job, HyperfitRecipe.Load(Path.Combine(request.OutputDirectory, job.RecipeFile)));
    }

    [Fact]
    public void Should_write_a_run_in_hyperfit_trains_layout()
    {
        // Given a job whose output looks like what train.py writes
        var (dir, job, recipe) = Exported();
        ScaleOutFixture.FakeRun(dir, job, recipe);

        // When it is imported
        var run = _fixture.NewFolder("run");
        var (code, output, error) = CliRunner.Run("import-run", "--job", dir, "--out", run);

        // Then the run has final/ and a Hyperfit log: same entries, texts decoded by Hyperfit's tokenizer, config echo
        Assert.True(code == 0, error);
        Assert.Contains("Imported 7 updates (4 log entries", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, "final", "model.safetensors")));
        var entries = global::Hyperfit.Reporting.TrainingLogReader.Read(Path.Combine(run, TrainingLog.FileName));
        Assert.Equal([0L, 3, 6, 7], entries.Select(e => e.UpdateCounter));
        Assert.Null(entries[0].TrainLoss);
        Assert.Equal(3.0 / 8, entries[^1].TrainLoss);
        var log = JsonNode.Parse(File.ReadAllText(Path.Combine(run, TrainingLog.FileName)))!;
        Assert.Equal(job.Data.DataHash, (string)log["config"]!["data_hash"]!);
        Assert.Equal(job.JobId, (string)log["config"]!["imported_from"]!["job_id"]!);
        var tokenizer = global::Hyperfit.Tokenization.HfTokenizer.Load(_fixture.ModelDir);
        var firstIds = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "output", JobRunLog.FileName)))!["logs"]![0]!["val_gen_ids"]![0]!
            .AsArray().Select(n => (int)n!).ToArray();
        Assert.Equal(tokenizer.Decode(firstIds), entries[0].ValGenSeqs[0]);
    }

    [Fact]
    public void Should_refuse_an_incomplete_run()
    {
        // Given a job that stopped after update 3 (its last two validation entries missing, no final model)
        var (dir, job, recipe) = Exported();
        ScaleOutFixture.FakeRun(dir, job, recipe, entries => entries.RemoveRange(2, 2));

        // Then import says so in one line
        var e = Assert.Throws<InvalidDataException>(() => RunImporter.Import(dir, _fixture.NewFolder("run")));
        Assert.EndsWith("the run is incomplete (logged up to update 3 of 7); resume it with launch.sh --resume", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_log_of_another_job()
    {
        // Given the output of one job moved into a job of another recipe
        var (dirA, jobA, recipe) = Exported();
        var (dirB, jobB, _) = Exported(learningRate: 2e-3);
        ScaleOutFixture.FakeRun(dirA, jobA, recipe);
        Directory.Move(Path.Combine(dirA, "output"), Path.Combine(dirB, "output"));

        // Then import names both jobs
        var e = Assert.Throws<InvalidDataException>(() => RunImporter.Import(dirB, _fixture.NewFolder("run")));
        Assert.Contains($"written by job {jobA.JobId[..12]}…, not by this job ({jobB.JobId[..12]}…)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_ttr_that_its_own_ids_contradict()
    {
        // Given a log whose val_ttr at update 6 is not the TTR of its val_gen_ids
        var (dir, job, recipe) = Exported();
        ScaleOutFixture.FakeRun(dir, job, recipe, entries => entries[2] = entries[2] with { ValTtr = 0.25 });

        var e = Assert.Throws<InvalidDataException>(() => RunImporter.Import(dir, _fixture.NewFolder("run")));
        Assert.Contains("update 6: val_ttr is 0.25, but its val_gen_ids give", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_log_with_an_unknown_key_or_a_nan()
    {
        var (dir, job, recipe) = Exported();
        ScaleOutFixture.FakeRun(dir, job, recipe);
        var path = Path.Combine(dir, "output", JobRunLog.FileName);
        var text = File.ReadAllText(path);

        // An unknown key
        File.WriteAllText(path, text.Replace("\"update_counter\": 3,", "\"update_counter\": 3, \"lr\": 0.1,", StringComparison.Ordinal));
        var e = Assert.Throws<InvalidDataException>(() => RunImporter.Import(dir, _fixture.NewFolder("run")));
        Assert.Contains("lr", e.Message, StringComparison.Ordinal);

        // A missing validation point
        File.WriteAllText(path, text.Replace("\"update_counter\": 6,", "\"update_counter\": 5,", StringComparison.Ordinal));
        e = Assert.Throws<InvalidDataException>(() => RunImporter.Import(dir, _fixture.NewFolder("run")));
        Assert.EndsWith("entry 2 is at update 5, the job validates after 6", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_final_model_that_is_missing_or_of_other_shapes()
    {
        // Given a finished log but no final model
        var (dir, job, recipe) = Exported();
        ScaleOutFixture.FakeRun(dir, job, recipe);
        var final = Path.Combine(dir, "output", "final");
        var config = Path.Combine(final, "config.json");
        var original = File.ReadAllText(config);
        Directory.Move(final, final + ".away");
        var e = Assert.Throws<InvalidDataException>(() => RunImporter.Import(dir, _fixture.NewFolder("run")));
        Assert.EndsWith("not found (the job has not finished: train.py saves the final model last)", e.Message, StringComparison.Ordinal);

        // Given a final model of another size (fewer layers than the job trained)
        Directory.Move(final + ".away", final);
        var node = JsonNode.Parse(original)!;
        node["num_hidden_layers"] = 1;
        File.WriteAllText(config, node.ToJsonString());
        Hyperfit.Checkpoints.HfModelSaver.Save(Hyperfit.Models.ModelRegistry.Build(Hyperfit.Models.ModelRegistry.ReadConfig(node.AsObject()),
            Hyperfit.Models.ModelOptions.Default), final);
        e = Assert.Throws<InvalidDataException>(() => RunImporter.Import(dir, _fixture.NewFolder("run")));
        Assert.Contains("tensors differ from the starting model's (missing: model.layers.1.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_a_folder_that_is_not_a_job()
    {
        var (code, _, error) = CliRunner.Run("import-run", "--job", _fixture.ModelDir, "--out", _fixture.NewFolder("run"));
        Assert.Equal(1, code);
        Assert.Equal($"error: {Path.Combine(_fixture.ModelDir, "job.json")}: not found (is {_fixture.ModelDir} a folder written by hyperfit export-job?)", error.Trim());
    }
}
