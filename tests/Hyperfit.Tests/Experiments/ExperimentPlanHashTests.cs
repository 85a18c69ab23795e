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
