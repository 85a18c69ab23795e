using System.Text.Json.Nodes;
using Hyperfit.Data;
using Hyperfit.Experiments;
using Hyperfit.Training;

namespace Hyperfit.Tests.Experiments;

/// <summary>A spec variant that points at a run trained elsewhere and brought back with <c>hyperfit import-run</c>
/// (docs/scale-out.md): nothing is trained for it, its model and log are used as they are, and a run from another base
/// model or other data is refused before any step.</summary>
public sealed class ExperimentImportedRunTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    /// <summary>A run in import-run's layout (final/ + training_log.json whose config carries imported_from): here made
    /// by the trainer itself on the spec's data and recipe, then marked as imported.</summary>
    private string ImportedRun(string data)
    {
        var recipe = HyperfitRecipe.Parse(ExperimentFixture.TinySpec()["hyperfit"]!["recipe"]!.ToJsonString(), "recipe");
        var dir = Path.Combine(_fixture.Root, "runs", "cluster");
        TrainingJob.Run(new TrainingRequest
        {
            ModelDir = Path.Combine(_fixture.Root, "models", "tiny"), Data = new HyperfitDataset(Path.Combine(_fixture.Root, "data", data)),
            Recipe = recipe, OutputDir = dir, DropCheckpoint = true,
        });
        var log = Path.Combine(dir, TrainingLog.FileName);
        var json = JsonNode.Parse(File.ReadAllText(log))!;
        json["config"]!["imported_from"] = new JsonObject { ["job_id"] = "test", ["engine"] = "torchrun-ddp", ["world_size"] = 2 };
        File.WriteAllText(log, json.ToJsonString());
        return dir;
    }

    private string Spec(Action<JsonObject>? edit = null)
    {
        var spec = ExperimentFixture.TinySpec();
        var hyperfit = spec["hyperfit"]!.AsObject();
        hyperfit.Remove("sample_sweep");
        hyperfit["variants"] = JsonNode.Parse("""{ "cluster": { "imported_run": "../runs/cluster" } }""");
        spec["context_sets"]!.AsObject().Remove("press");
        spec["decoding"] = JsonNode.Parse("""{ "base_greedy": { "model": "base" }, "cluster_greedy": { "model": "cluster" } }""");
        spec["metrics"] = JsonNode.Parse("""["text", "dataset", "model"]""");
        edit?.Invoke(spec);
        return _fixture.WriteSpec(spec, "imported.json");
    }

    [Fact]
    public void Should_evaluate_an_imported_run_without_training_it()
    {
        // Given an imported run hyperfitted from the spec's base model on its data
        var run = ImportedRun("hyperfit.jsonl");
        var spec = ExperimentSpec.Load(Spec());
        var lines = new List<string>();

        // When the spec runs
        var outcome = ExperimentRunner.Run(spec, _fixture.Out, log: lines.Add);

        // Then nothing was trained: the train step only brought the log in, and the variant's model is the run's final/
        Assert.DoesNotContain(lines, l => l.Contains("update 1/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("imported run", StringComparison.Ordinal));
        var plan = ExperimentPlan.Build(spec, _fixture.Out);
        Assert.Equal(Path.Combine(run, "final"), plan.ModelDir("cluster", 42));
        Assert.False(Directory.Exists(Path.Combine(_fixture.Out, "steps", "train-cluster-s42", "final")));
        Assert.Equal(File.ReadAllText(Path.Combine(run, TrainingLog.FileName)),
            File.ReadAllText(Path.Combine(_fixture.Out, "steps", "train-cluster-s42", TrainingLog.FileName)));

        // and its generations are the imported model's (the same as generating from run/final directly)
        var results = ResultsFile.Read(outcome.ResultsPath);
        Assert.Contains(results.Table1!, r => r.Row == "cluster_greedy" && r.ContextPpl is > 1);

        // When the imported run is replaced by another one, then the steps that used it rerun
        var log = Path.Combine(run, TrainingLog.FileName);
        var json = JsonNode.Parse(File.ReadAllText(log))!;
        json["config"]!["imported_from"]!["job_id"] = "test-2";
        File.WriteAllText(log, json.ToJsonString());
        var again = ExperimentRunner.Run(ExperimentSpec.Load(Spec()), _fixture.Out);
        Assert.Contains("train-cluster-s42", again.Ran);
        Assert.Contains("generate-cluster_greedy-fiction-s42", again.Ran);
        Assert.Contains("generate-base_greedy-fiction-s42", again.Skipped);
    }

    [Fact]
    public void Should_refuse_an_imported_run_on_other_data_before_any_step()
    {
        // Given a run hyperfitted on other data than the variant names
        ImportedRun("news.jsonl");
        var spec = ExperimentSpec.Load(Spec());

        // When the spec runs, then the preflight refuses it, naming the log, and writes nothing
        var error = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(spec, _fixture.Out));
        Assert.Contains("training_log.json: the run was hyperfitted on other token ids", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_fixture.Out));
    }

    [Theory]
    [InlineData("seeds", "a spec with imported runs has one seed")]
    [InlineData("recipe", "hyperfit.variants.cluster.recipe: an imported run was trained with the recipe in its training_log.json")]
    [InlineData("not-imported", "is not an imported run")]
    public void Should_refuse_a_bad_imported_variant_naming_its_key(string change, string expected)
    {
        var run = ImportedRun("hyperfit.jsonl");
        if (change == "not-imported")
        {
            var log = Path.Combine(run, TrainingLog.FileName);
            var json = JsonNode.Parse(File.ReadAllText(log))!;
            json["config"]!.AsObject().Remove("imported_from");
            File.WriteAllText(log, json.ToJsonString());
            expected = "has no config.imported_from";
        }

        var path = Spec(s =>
        {
            if (change == "seeds")
            {
                s["seeds"] = new JsonArray(1, 2);
            }
            else if (change == "recipe")
            {
                s["hyperfit"]!["variants"]!["cluster"]!["recipe"] = new JsonObject { ["learning_rate"] = 0.1 };
            }
        });

        var error = Assert.Throws<InvalidDataException>(() => ExperimentSpec.Load(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
