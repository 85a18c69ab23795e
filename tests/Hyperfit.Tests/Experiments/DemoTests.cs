using System.Text.Json.Nodes;
using Hyperfit.Experiments;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.Experiments;

public sealed class DemoTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Should_find_the_spec_by_walking_up_from_the_first_start_that_has_one()
    {
        // Given a repository-like folder with experiments/demo-quick.json and a deep folder below it
        var spec = _fixture.WriteSpec(name: "demo-quick.json");
        var deep = Directory.CreateDirectory(Path.Combine(_fixture.Root, "a", "b", "c")).FullName;
        using var elsewhere = new TempDirectory();

        // When the quick spec is looked for from the deep folder (after one that has none above it)
        var found = Demo.FindSpec(quick: true, [elsewhere.Path, deep]);

        // Then the repository's spec is found; the full spec, absent here, is a one-line error naming it
        Assert.Equal(Path.GetFullPath(spec), found);
        var e = Assert.Throws<FileNotFoundException>(() => Demo.FindSpec(quick: false, [deep]));
        Assert.StartsWith(Demo.SpecPath, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Should_swap_the_base_model_and_change_the_spec_hash()
    {
        // Given the tiny spec and a copy of its model elsewhere
        var specPath = _fixture.WriteSpec();
        var original = Demo.LoadSpec(specPath);
        using var copy = new TempDirectory();
        foreach (var file in Directory.GetFiles(original.BaseModelDir))
        {
            File.Copy(file, Path.Combine(copy.Path, Path.GetFileName(file)));
        }

        // When the demo is pointed at the copy
        var swapped = Demo.LoadSpec(specPath, copy.Path);

        // Then only the base model differs, relative paths still resolve against the spec's folder, and the hash changes
        Assert.Equal(Path.GetFullPath(copy.Path), swapped.BaseModelDir);
        Assert.Equal(original.HyperfitData, swapped.HyperfitData);
        Assert.Equal(original.ContextSets.Select(s => s.File), swapped.ContextSets.Select(s => s.File));
        Assert.NotEqual(original.Hash, swapped.Hash);
        var missing = Assert.Throws<FieldException>(() => Demo.LoadSpec(specPath, Path.Combine(copy.Path, "nope")));
        Assert.Equal(Fields.Model, missing.Field); // the CLI shows it as --model
        Assert.EndsWith("folder not found", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_describe_what_the_run_will_do()
    {
        var spec = Demo.LoadSpec(_fixture.WriteSpec(s =>
        {
            var recipe = s["hyperfit"]!["recipe"]!.AsObject();
            recipe.Remove("max_updates");
            recipe["epochs"] = 3;
        }));
        var lines = Demo.Describe(spec);
        Assert.Contains(lines, l => l.Contains("4 samples x 16 tokens, 3 epochs", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("base_greedy, base_top_p", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_ship_demo_specs_that_load_with_their_default_model()
    {
        // Given the repository's demo specs
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Hyperfit.slnx")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        foreach (var quick in new[] { false, true })
        {
            // When each is found from the repository and loaded
            var spec = Demo.LoadSpec(Demo.FindSpec(quick, [root]));

            // Then it names the shipped default model, hyperfits one variant and decodes the paper's four ways
            Assert.True(File.Exists(Path.Combine(spec.BaseModelDir, "model.safetensors")));
            Assert.Equal(["hyperfitted"], spec.Variants);
            Assert.Equal(["fiction", "learned", "press"], spec.ContextSets.Select(s => s.Label));
            Assert.Equal(4, spec.Decoding.Count);
            Assert.Null(JsonNode.Parse(File.ReadAllText(spec.SpecFile))!["device"]);
        }
    }
}
