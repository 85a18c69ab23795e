using System.Text.Json.Nodes;

namespace Hyperfit.Experiments;

/// <summary>
/// <c>hyperfit demo</c>: the shipped Table 1/2/3 spec (<c>experiments/demo.json</c>, or <c>demo-quick.json</c>) run on
/// the shipped default model. The specs are ordinary experiment specs (a user can <c>hyperfit run</c> them); the demo
/// only finds them, optionally swaps the base model, and prints where it is.
/// </summary>
public static class Demo
{
    public const string SpecPath = "experiments/demo.json";
    public const string QuickSpecPath = "experiments/demo-quick.json";

    /// <summary>Default report folders (relative to the working directory).</summary>
    public static string DefaultOutput(bool quick) => quick ? "demo-report-quick" : "demo-report";

    /// <summary>The demo spec: found by walking up from each of <paramref name="searchFrom"/> (the working directory,
    /// then the program's folder) to a folder holding <c>experiments/demo.json</c>, i.e. the repository root.</summary>
    /// <exception cref="FileNotFoundException">No folder above any start holds the spec.</exception>
    public static string FindSpec(bool quick, IEnumerable<string> searchFrom)
    {
        ArgumentNullException.ThrowIfNull(searchFrom);
        var relative = quick ? QuickSpecPath : SpecPath;
        var starts = searchFrom.ToList();
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"{relative}: not found above {string.Join(" or ", starts)}; run the demo inside a clone of the Hyperfit repository (it holds the default model, data and specs) or name the spec file");
    }

    /// <summary>Loads the spec; with <paramref name="baseModel"/> its <c>base_model</c> is replaced by that folder
    /// (the spec's hash changes with it, so another model's results are never mixed in).</summary>
    public static ExperimentSpec LoadSpec(string specPath, string? baseModel = null)
    {
        if (baseModel is null)
        {
            return ExperimentSpec.Load(specPath);
        }

        var model = Path.GetFullPath(baseModel);
        if (!Directory.Exists(model))
        {
            throw new FieldException(Fields.Model, $"model {baseModel}: folder not found");
        }

        return ExperimentSpec.Load(specPath, new Dictionary<string, JsonNode?> { ["base_model"] = model });
    }

    /// <summary>One line per decoding and context-set count: what the spec will do, for the demo's opening lines.</summary>
    public static IReadOnlyList<string> Describe(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = spec.Recipe;
        var samples = r.Samples == 0 ? "all" : r.Samples.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return
        [
            $"base model   {spec.BaseModelDir}",
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"hyperfit     {Trained(spec)}: {samples} samples x {r.SequenceLength} tokens, {(r.MaxUpdates is { } m ? $"{m} updates" : $"{r.Epochs} epochs")}, lr {r.LearningRate:G3}, batch {r.BatchSize}, {r.DType}"),
            $"contexts     {string.Join(", ", spec.ContextSets.Select(s => $"{s.Label} ({s.Contexts} x {s.ContextTokens} tokens)"))}, {spec.NewTokens} new tokens each",
            $"decoding     {string.Join(", ", spec.Decoding.Select(d => d.Label))}",
            $"seeds        {string.Join(", ", spec.Seeds)}",
        ];
    }

    /// <summary>"hyperfitted on FILE", or per variant "fiction on A, press on B" when their data differ.</summary>
    private static string Trained(ExperimentSpec spec) =>
        spec.HyperfitVariants.Select(v => v.Data).Distinct().Count() > 1
            ? string.Join(", ", spec.HyperfitVariants.Select(v => $"{v.Label} on {v.Data.File}"))
            : $"{string.Join(", ", spec.Variants)} on {spec.DefaultDataset.File}";
}
