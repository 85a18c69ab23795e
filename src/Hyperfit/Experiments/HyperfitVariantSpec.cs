using Hyperfit.Data;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>
/// One hyperfitted model of a spec (an entry of <c>hyperfit.variants</c>): the label decodings and tables use as its
/// model name, the data it is hyperfitted on and its recipe, whose <see cref="HyperfitRecipe.Variant"/> is the data
/// variant (§6.1: hyperfitted, Shuffle-1, Shuffle-All); the seed is set per replicate. §6.2 hyperfits one model per
/// type of data, so each variant may bring its own data.
/// </summary>
public sealed record HyperfitVariantSpec(string Label, HyperfitDataset Data, HyperfitRecipe Recipe);
