using Hyperfit.Tokenization;

namespace Hyperfit.Experiments;

/// <summary>
/// What a spec needs from its files, checked before the runner creates or touches the output folder (docs/experiments.md:
/// everything is checked first). <see cref="ExperimentSpec.Load"/> has checked the keys, paths, values and the device;
/// here the base model's tokenizer is loaded and every context set is tokenized once to see that it holds the contexts it
/// asks for (<see cref="PreparedContexts"/>), so a spec asking for too many fails at once and leaves nothing behind.
/// </summary>
public static class ExperimentPreflight
{
    /// <exception cref="InvalidDataException">A context set with too few long-enough documents; a bad tokenizer or file.</exception>
    public static void Check(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tokenizer = HfTokenizer.Load(spec.BaseModelDir);
        tokenizer.ValidateAgainstModel(Checkpoints.HfModelLoader.ReadConfig(spec.BaseModelDir).VocabSize, spec.BaseModelDir);
        foreach (var set in spec.ContextSets)
        {
            PreparedContexts.Select(tokenizer, fingerprint: null, set, spec.NewTokens);
        }
    }
}
