using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hyperfit.Experiments;

namespace Hyperfit.Tests.Experiments;

/// <summary>
/// The step names and input hashes of the shipped specs, pinned. A finished step is reused only while its input hash
/// is unchanged, so a change to how a plan is built must leave these alone, or every user's earlier runs would be
/// redone. The hashes hold absolute paths (data files, the base model), so the repository root is replaced by
/// <c>&lt;repo&gt;</c> before hashing with <see cref="ExperimentRunner.InputHash"/>: the pins hold on any clone.
/// </summary>
public sealed class ExperimentPlanHashTests
{
    /// <summary>SHA-256 over the spec's "step-name root-free-input-hash" lines, in plan order (recorded before
    /// multi-dataset specs existed, 2026-12: step names and hashes of existing specs must not change).</summary>
    public static TheoryData<string, int, string> Pinned => new()
    {
        { "demo.json", 38, "f0f67874b762a12e3934434369a10d2bb23f28c95297ed75a61b47b7b4883800" },
        { "demo-quick.json", 38, "94f03b106e2cf0891ee32c463e8b8f73f4c66fd909f0c4ee584205ccadcdf27a" },
        { "paper-tables.json", 38, "3a3f789cc34f3383911be47398f0330b87ec2cf9eaab2e6317e7a3543a7bc4f0" },
        { "paper-shuffle.json", 29, "f159473a8d186cb539c2b1a9e60ae6e6113014ec32e751aced5db1e446773049" },
        { "paper-sample-sweep.json", 20, "cb288ffe98d563b4f628588eedccff5cbea4ec566e14841d4f25fa22d2376fa9" },
    };

    [Theory]
    [MemberData(nameof(Pinned))]
    public void Should_keep_the_step_names_and_input_hashes_of_a_shipped_spec(string name, int steps, string digest)
    {
        // Given a shipped spec, with the shipped default model and data
        var root = RepositoryRoot();
        var spec = ExperimentSpec.Load(Path.Combine(root, "experiments", name));

        // When its plan is built and every step's input hash is computed with the repository root left out
        var lines = RootFreeHashes(ExperimentPlan.Build(spec, Path.Combine(root, "unused-out")), root);

        // Then the steps and their hashes are the pinned ones
        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
        Assert.True(steps == lines.Count && digest == actual,
            string.Create(CultureInfo.InvariantCulture, $"{name}: {lines.Count} steps, digest {actual} (pinned {steps}, {digest}):\n{string.Join('\n', lines)}"));
    }

    [Fact]
    public void Should_plan_one_tokenize_step_per_dataset_and_wire_each_model_to_its_own_data()
    {
        // Given a §6.2 spec: fiction and news variants, a Shuffle-1 of news (same data: shares news's tokenize step),
        // and base decodings with and without a dataset key
        using var fixture = new ExperimentFixture();
        var json = ExperimentFixture.TwoDatasetSpec();
        json["hyperfit"]!["variants"]!["news_shuffled"] = JsonNode.Parse("""{ "data": "../data/news.jsonl", "variant": "shuffle1" }""");
        json["decoding"]!["base_vs_news"] = JsonNode.Parse("""{ "model": "base", "dataset": "news", "block_citations": true }""");
        var spec = ExperimentSpec.Load(fixture.WriteSpec(json, "types.json"));

        // When its plan is built
        var plan = ExperimentPlan.Build(spec, fixture.Out);
        ExperimentStep Step(string name) => plan.Steps.Single(s => s.Name == name);
        string Data(string step) => Step(step).Inputs["data"]!.GetValue<string>();

        // Then there is one tokenize step per distinct data file, named after the first variant hyperfitted on it
        var fiction = Path.Combine(fixture.Root, "data", "hyperfit.jsonl");
        var news = Path.Combine(fixture.Root, "data", "news.jsonl");
        Assert.Equal(["tokenize-hyperfit-data-fiction", "tokenize-hyperfit-data-news"],
            plan.Steps.Where(s => s.Kind == StepKind.TokenizeData).Select(s => s.Name));
        Assert.Equal(fiction, Data("tokenize-hyperfit-data-fiction"));
        Assert.Equal(news, Data("tokenize-hyperfit-data-news"));
        // and each model trains on its own data
        Assert.Equal((fiction, news, news), (Data("train-fiction-s42"), Data("train-news-s42"), Data("train-news_shuffled-s42")));
        Assert.Equal("shuffle1", Step("train-news_shuffled-s42").Inputs["recipe"]!["variant"]!.GetValue<string>());
        // and each decoding's dataset metrics and citation blocker read its model's data (base: the first variant's,
        // or the one its dataset key names)
        Assert.Contains("tokenize-hyperfit-data-news", Step("generate-news_blocked-press-s42").DependsOn);
        Assert.Contains("tokenize-hyperfit-data-news", Step("generate-base_vs_news-press-s42").DependsOn);
        Assert.Contains("tokenize-hyperfit-data-news", Step("evaluate-news_greedy-fiction-s42").DependsOn);
        Assert.Contains("tokenize-hyperfit-data-fiction", Step("evaluate-fiction_greedy-fiction-s42").DependsOn);
        Assert.Contains("tokenize-hyperfit-data-fiction", Step("evaluate-base_greedy-fiction-s42").DependsOn);
        Assert.Contains("tokenize-hyperfit-data-news", Step("evaluate-base_vs_news-fiction-s42").DependsOn);
        Assert.DoesNotContain("tokenize-hyperfit-data-fiction", Step("evaluate-news_greedy-fiction-s42").DependsOn);
        Assert.Equal(plan.TokenizedDataFor(spec.Decoding.Single(d => d.Label == "news_greedy")),
            Path.Combine(plan.StepDir("tokenize-hyperfit-data-news"), ExperimentPlan.TokenizedDataFile));
        // and Table 3 scores the base model and every variant
        Assert.Equal(["base", "fiction", "news", "news_shuffled"], plan.Steps.Where(s => s.Kind == StepKind.Reference).Select(s => s.Model).Distinct());
    }

    [Fact]
    public void Should_give_a_labelled_variant_the_step_hashes_of_the_same_variant_listed()
    {
        // Given the tiny list spec and the same variants written as an object (hyperfit.data still set)
        using var fixture = new ExperimentFixture();
        var listed = ExperimentSpec.Load(fixture.WriteSpec());
        var labelled = ExperimentSpec.Load(fixture.WriteSpec(s => s["hyperfit"]!["variants"] = JsonNode.Parse("""{ "hyperfitted": {}, "shuffle1": {} }"""), "object.json"));

        // When both plans are built, then every step and input hash is the same: nothing is retrained
        Assert.Equal(RootFreeHashes(ExperimentPlan.Build(listed, fixture.Out), fixture.Root), RootFreeHashes(ExperimentPlan.Build(labelled, fixture.Out), fixture.Root));
    }

    /// <summary>"name hash" per step, in plan order; each hash is <see cref="ExperimentRunner.InputHash"/> of the step
    /// with <paramref name="root"/> replaced in its inputs, over its dependencies' root-free hashes.</summary>
    internal static List<string> RootFreeHashes(ExperimentPlan plan, string root)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new List<string>();
        foreach (var step in plan.Steps)
        {
            var inputs = JsonNode.Parse(step.Inputs.ToJsonString().Replace(JsonString(root), "<repo>", StringComparison.Ordinal))!.AsObject();
            var hash = ExperimentRunner.InputHash(step with { Inputs = inputs }, hashes);
            hashes[step.Name] = hash;
            lines.Add($"{step.Name} {hash}");
        }

        return lines;
    }

    internal static string RepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Hyperfit.slnx")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        return root;
    }

    /// <summary>The root as it appears inside a JSON string (escaped, without the quotes).</summary>
    private static string JsonString(string text) => JsonValue.Create(text).ToJsonString()[1..^1];
}
