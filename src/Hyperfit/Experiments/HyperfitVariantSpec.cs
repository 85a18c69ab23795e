using Hyperfit.Data;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>
/// One hyperfitted model of a spec (an entry of <c>hyperfit.variants</c>): the label decodings and tables use as its
/// model name, the data it is hyperfitted on and its recipe, whose <see cref="HyperfitRecipe.Variant"/> is the data
/// variant (§6.1: hyperfitted, Shuffle-1, Shuffle-All); the seed is set per replicate. §6.2 hyperfits one model per
/// type of data, so each variant may bring its own data.
/// </summary>
public sealed record HyperfitVariantSpec(string Label, HyperfitDataset Data, HyperfitRecipe Recipe)
{
    /// <summary>A run trained elsewhere and brought back with <c>hyperfit import-run</c> (docs/scale-out.md): its
    /// <c>final/</c> is the model, its log's recipe is <see cref="Recipe"/>, and nothing is trained for it. Null: the
    /// runner hyperfits the variant itself.</summary>
    public string? ImportedRun { get; init; }

    /// <summary>The model folder of an imported run.</summary>
    public string? ImportedModel => ImportedRun is null ? null : Path.Combine(ImportedRun, Training.HyperfitTrainer.FinalDirectoryName);
}
