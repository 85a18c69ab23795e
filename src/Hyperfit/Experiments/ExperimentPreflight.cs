using Hyperfit.Tokenization;

namespace Hyperfit.Experiments;

/// <summary>
/// What a spec needs from its files, checked before the runner creates or touches the output folder (docs/experiments.md:
/// everything is checked first). <see cref="ExperimentSpec.Load"/> has checked the keys, paths, values and the device;
/// here the base model's tokenizer is loaded and every context set is tokenized once to see that it holds the contexts it
/// asks for (<see cref="PreparedContexts"/>), and every downstream benchmark's data is read and checked, so a spec asking
/// for too many contexts or pointing at broken benchmark files fails at once and leaves nothing behind.
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

        var imported = spec.HyperfitVariants.Where(v => v.ImportedRun is not null).ToList();
        if (imported.Count > 0)
        {
            var baseIdentity = Training.ModelIdentity.Hash(spec.BaseModelDir);
            foreach (var variant in imported)
            {
                ExperimentWork.CheckImportedRun(spec.BaseModelDir, baseIdentity, variant);
            }
        }

        foreach (var downstream in spec.Downstream)
        {
            // The models do not exist yet; the base folder stands in for them (the data check does not read models).
            Evaluation.Downstream.DownstreamRun.LoadData(downstream.Request([.. downstream.Models.Select(_ => spec.BaseModelDir)], Models.ModelOptions.Default));
            try
            {
                // Hyperfitting keeps the architecture: the base model's positions bound every model's prompts.
                Evaluation.Downstream.DownstreamEngine.ResolveMaxLength(Checkpoints.HfModelLoader.ReadConfig(spec.BaseModelDir), downstream.Settings.MaxLength);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{spec.SpecFile}: downstream.{downstream.Benchmark}.max_length: {e.Message.Split(" (Parameter", 2)[0]}", e);
            }
        }
    }
}
