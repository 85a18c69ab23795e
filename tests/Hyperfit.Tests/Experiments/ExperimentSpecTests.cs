using System.Text.Json.Nodes;
using Hyperfit.Data;
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
        Assert.Contains("decoding.base_top_p.top_p must be in (0, 1]", topP.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_load_labelled_variants_each_with_its_own_data_text_field_variant_and_recipe()
    {
        // Given a §6.2 spec: fiction on data/hyperfit.jsonl, news on data/news.jsonl with its own recipe overrides,
        // and a Shuffle-1 of news; a base decoding compared with the news data
        var json = ExperimentFixture.TwoDatasetSpec();
        json["hyperfit"]!["variants"]!["news"]!["recipe"] = JsonNode.Parse("""{ "learning_rate": 0.01, "max_updates": 3 }""");
        json["hyperfit"]!["variants"]!["news_shuffled"] = JsonNode.Parse("""{ "data": "../data/news.jsonl", "text_field": "text", "variant": "shuffle1" }""");
        json["decoding"]!["base_vs_news"] = JsonNode.Parse("""{ "model": "base", "dataset": "news" }""");

        // When it is loaded
        var spec = ExperimentSpec.Load(_fixture.WriteSpec(json, "types.json"));

        // Then each variant has its data and recipe (shared recipe + its overrides, its data variant), the datasets are
        // the distinct (file, field) pairs, and each decoding compares with its model's data (base: the first variant's
        // unless its dataset key names another)
        var fiction = new HyperfitDataset(Path.Combine(_fixture.Root, "data", "hyperfit.jsonl"), "text");
        var news = new HyperfitDataset(Path.Combine(_fixture.Root, "data", "news.jsonl"), "text");
        Assert.Null(spec.HyperfitData);
        Assert.Equal(["fiction", "news", "news_shuffled"], spec.Variants);
        Assert.Equal([fiction, news, news], spec.HyperfitVariants.Select(v => v.Data));
        Assert.Equal([fiction, news], spec.Datasets);
        Assert.Equal(fiction, spec.DefaultDataset);
        Assert.Equal(0.001, spec.RecipeFor("fiction", 42).LearningRate);
        Assert.Equal((0.01, 3, 4), (spec.RecipeFor("news", 7).LearningRate, spec.RecipeFor("news", 7).MaxUpdates, spec.RecipeFor("news", 7).Samples));
        Assert.Equal(7, spec.RecipeFor("news", 7).Seed);
        Assert.Equal(Hyperfit.Training.DataVariant.None, spec.RecipeFor("news", 7).Variant);
        Assert.Equal(Hyperfit.Training.DataVariant.Shuffle1, spec.RecipeFor("news_shuffled", 7).Variant);
        DecodingSpec D(string label) => spec.Decoding.Single(d => d.Label == label);
        Assert.Equal(fiction, spec.DatasetFor(D("base_greedy")));
        Assert.Equal(news, spec.DatasetFor(D("base_vs_news")));
        Assert.Equal(news, spec.DatasetFor(D("news_greedy")));
        Assert.Equal(fiction, spec.DatasetFor(D("fiction_greedy")));
    }

    [Fact]
    public void Should_read_a_list_and_the_equivalent_object_of_variants_alike()
    {
        // Given the tiny spec's list ["hyperfitted", "shuffle1"] and the same variants as an object without own data
        var listed = ExperimentSpec.Load(_fixture.WriteSpec());
        var labelled = ExperimentSpec.Load(_fixture.WriteSpec(s => s["hyperfit"]!["variants"] = JsonNode.Parse("""{ "hyperfitted": {}, "shuffle1": {} }"""), "object.json"));

        // When their variants are compared, then labels, data and recipes (a data variant's name is its variant) are equal
        Assert.Equal(listed.HyperfitVariants, labelled.HyperfitVariants);
        Assert.Equal(Hyperfit.Training.DataVariant.Shuffle1, labelled.RecipeFor("shuffle1", 42).Variant);
    }

    [Theory]
    [InlineData("""{ "fiction": { "data": "../data/hyperfit.jsonl", "epochs": 3 } }""", "unknown key 'hyperfit.variants.fiction.epochs'")]
    [InlineData("""{ "fiction": { "data": "../data/missing.jsonl" } }""", "hyperfit.variants.fiction.data: file not found: ../data/missing.jsonl")]
    [InlineData("""{ "fiction": { } }""", "hyperfit.variants.fiction: no data (set hyperfit.variants.fiction.data or hyperfit.data)")]
    [InlineData("""{ }""", "hyperfit: no hyperfitting data")]
    [InlineData("""{ "base": { "data": "../data/news.jsonl" } }""", "hyperfit.variants.base: 'base' is the base model's name")]
    [InlineData("""{ "news/2": { "data": "../data/news.jsonl" } }""", "hyperfit.variants.news/2: a variant label must be ASCII letters, digits, '_' or '-'")]
    [InlineData("""{ "shuffle1": { "data": "../data/news.jsonl", "variant": "shuffle_all" } }""", "hyperfit.variants.shuffle1.variant: the label 'shuffle1' names a data variant")]
    [InlineData("""{ "news": { "data": "../data/news.jsonl", "variant": "shuffle2" } }""", "hyperfit.variants.news.variant: unknown variant 'shuffle2'")]
    [InlineData("""{ "news": { "data": "../data/news.jsonl", "recipe": { "seed": 1 } } }""", "hyperfit.variants.news.recipe: 'seed' is set by seeds")]
    [InlineData("""{ "news": { "data": "../data/news.jsonl", "recipe": { "epoch": 1 } } }""", "unknown key 'epoch'")]
    [InlineData("""{ "news": { "data": "../data/news.jsonl", "recipe": { "learning_rate": -1 } } }""", "hyperfit.variants.news.recipe.learning_rate (-1) must be positive")]
    [InlineData("""{ "news": "../data/news.jsonl" }""", "key 'hyperfit.variants.news' must be an object")]
    [InlineData("""{ "news": { "data": "../data/news.jsonl" }, "news": { "data": "../data/hyperfit.jsonl" } }""", "Duplicate property 'news'")]
    [InlineData("\"hyperfitted\"", "key 'hyperfit.variants' must be a list of variant names or an object of labelled variants")]
    public void Should_reject_a_bad_labelled_variant_before_any_work(string variants, string expected)
    {
        // Given a §6.2 spec whose hyperfit.variants is edited (written as text: a duplicate key survives)
        var json = ExperimentFixture.TwoDatasetSpec();
        json["hyperfit"]!["variants"] = "@@variants@@";
        json["decoding"] = JsonNode.Parse("""{ "base_greedy": { "model": "base" } }""");
        var path = _fixture.WriteSpec(json, "bad.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"@@variants@@\"", variants, StringComparison.Ordinal));

        // When the spec is loaded
        var e = Assert.Throws<InvalidDataException>(() => ExperimentSpec.Load(path));

        // Then one line names the file and the key
        Assert.Contains("bad.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Should_reject_a_dataset_key_on_a_trained_model_an_unknown_one_and_a_sweep_without_shared_data()
    {
        // Given a trained model's decoding with a dataset key, a base decoding naming no variant, a sweep with no
        // hyperfit.data, and a variant labelled like a sweep model
        InvalidDataException Fails(Action<JsonObject> edit)
        {
            var json = ExperimentFixture.TwoDatasetSpec();
            edit(json);
            var path = _fixture.WriteSpec(json, "bad.json");
            return Assert.Throws<InvalidDataException>(() => ExperimentSpec.Load(path));
        }

        var trained = Fails(s => s["decoding"]!["news_greedy"]!["dataset"] = "fiction");
        var unknown = Fails(s => s["decoding"]!["base_greedy"]!["dataset"] = "wiki");
        var sweep = Fails(s => s["hyperfit"]!["sample_sweep"] = JsonNode.Parse("""{ "samples": [2], "max_updates": 2 }"""));
        var clash = Fails(s =>
        {
            s["hyperfit"]!["data"] = "../data/hyperfit.jsonl";
            s["hyperfit"]!["sample_sweep"] = JsonNode.Parse("""{ "samples": [2], "max_updates": 2 }""");
            s["hyperfit"]!["variants"]!["samples_2"] = new JsonObject();
        });

        // Then each error names the key
        Assert.Contains("decoding.news_greedy.dataset: only base-model decodings choose their dataset", trained.Message, StringComparison.Ordinal);
        Assert.Contains("decoding.base_greedy.dataset: unknown variant 'wiki' (hyperfit.variants: fiction, news)", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("hyperfit.sample_sweep: the sweep's models are hyperfitted on hyperfit.data, which is not set", sweep.Message, StringComparison.Ordinal);
        Assert.Contains("hyperfit.variants.samples_2: the label is the name of a hyperfit.sample_sweep model", clash.Message, StringComparison.Ordinal);
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

        foreach (var name in new[] { "paper-tables.json", "paper-shuffle.json", "paper-sample-sweep.json", "paper-data-type.json" })
        {
            // When each is loaded, then it validates completely against the repository's model and data
            var spec = ExperimentSpec.Load(Path.Combine(root, "experiments", name));
            Assert.Equal(Path.GetFullPath(Path.Combine(root, "models", "brown-llama-23m")), spec.BaseModelDir);
            Assert.Equal(Hyperfit.Training.DataMode.Pack, spec.Recipe.DataMode);
        }

        // and the §6.2 spec hyperfits one model per type of data, on the vendored per-genre files
        var types = ExperimentSpec.Load(Path.Combine(root, "experiments", "paper-data-type.json"));
        Assert.Equal(["fiction", "press", "learned"], types.Variants);
        Assert.Equal(["hyperfit.jsonl", "hyperfit-press.jsonl", "hyperfit-learned.jsonl"], types.Datasets.Select(d => Path.GetFileName(d.File)));
    }
}
