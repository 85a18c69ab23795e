using System.Text.Json.Nodes;
using Hyperfit.Experiments;

namespace Hyperfit.Tests.Experiments;

public sealed class ExperimentSpecTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private InvalidDataException LoadFails(Action<JsonObject> edit)
    {
        var path = _fixture.WriteSpec(edit, "bad.json");
        return Assert.Throws<InvalidDataException>(() => ExperimentSpec.Load(path));
    }

    [Fact]
    public void Should_load_the_tiny_spec_with_paths_resolved_against_its_folder()
    {
        // Given the tiny spec in experiments/, naming ../models and ../data
        var path = _fixture.WriteSpec();

        // When it is loaded
        var spec = ExperimentSpec.Load(path);

        // Then paths are absolute, labels and the sweep models are known, and recipe overrides are applied
        Assert.Equal(Path.Combine(_fixture.Root, "models", "tiny"), spec.BaseModelDir);
        Assert.Equal(["fiction", "press"], spec.ContextSets.Select(s => s.Label));
        Assert.Equal(["hyperfitted", "shuffle1", "samples_2", "samples_4"], spec.TrainedModels);
        Assert.Equal(2, spec.RecipeFor("samples_2", 42).Samples);
        Assert.Equal(Hyperfit.Training.DataVariant.Shuffle1, spec.RecipeFor("shuffle1", 7).Variant);
        Assert.Equal(8, spec.NewTokens);
        Assert.True(spec.Decoding.Single(d => d.Label == "hyperfitted_blocked").BlockCitations);
    }

    [Fact]
    public void Should_name_the_key_and_the_file_for_an_unknown_key()
    {
        // Given a decoding entry with a misspelt key
        // When the spec is loaded
        var e = LoadFails(s => s["decoding"]!["base_greedy"]!["topp"] = 0.9);

        // Then the one-line error names the file and the key
        Assert.Contains("bad.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("unknown key 'decoding.base_greedy.topp'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Should_reject_a_value_of_the_wrong_type()
    {
        // Given new_tokens as a string
        // When the spec is loaded
        var e = LoadFails(s => s["new_tokens"] = "224");

        // Then the error names the key and the expected type
        Assert.Contains("key 'new_tokens' must be an integer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_a_missing_path_before_any_work()
    {
        // Given a context set whose file does not exist
        // When the spec is loaded
        var e = LoadFails(s => s["context_sets"]!["press"]!["file"] = "../data/missing.jsonl");

        // Then the error names the key and the path
        Assert.Contains("context_sets.press.file: file not found: ../data/missing.jsonl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_a_dangling_label()
    {
        // Given a decoding configuration naming a model that is not trained, and one naming an unknown sweep set
        // When the specs are loaded
        var model = LoadFails(s => s["decoding"]!["hyperfitted_greedy"]!["model"] = "shuffle_all");
        var set = LoadFails(s => s["hyperfit"]!["sample_sweep"]!["context_set"] = "wiki");

        // Then each error names the key and the unknown label
        Assert.Contains("decoding.hyperfitted_greedy.model: unknown model 'shuffle_all'", model.Message, StringComparison.Ordinal);
        Assert.Contains("hyperfit.sample_sweep.context_set: unknown context set 'wiki'", set.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_bad_recipe_overrides_and_generation_values()
    {
        // Given an unknown recipe key and a top-p outside (0, 1]
        // When the specs are loaded
        var recipe = LoadFails(s => s["hyperfit"]!["recipe"]!["epoch"] = 3);
        var topP = LoadFails(s => s["decoding"]!["base_top_p"]!["top_p"] = 1.5);

        // Then both are one-line errors naming the file and what is wrong
        Assert.Contains("unknown key 'epoch'", recipe.Message, StringComparison.Ordinal);
        Assert.Contains("bad.json", recipe.Message, StringComparison.Ordinal);
        Assert.Contains("decoding.base_top_p: top-p must be in (0, 1]", topP.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_load_the_shipped_paper_specs_with_the_shipped_default_model()
    {
        // Given the shipped specs, whose base model is the shipped default model
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Hyperfit.slnx")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        foreach (var name in new[] { "paper-tables.json", "paper-shuffle.json", "paper-sample-sweep.json" })
        {
            // When each is loaded, then it validates completely against the repository's model and data
            var spec = ExperimentSpec.Load(Path.Combine(root, "experiments", name));
            Assert.Equal(Path.GetFullPath(Path.Combine(root, "models", "brown-llama-23m")), spec.BaseModelDir);
            Assert.Equal(Hyperfit.Training.DataMode.Pack, spec.Recipe.DataMode);
        }
    }
}
