namespace Hyperfit.Cli;

/// <summary>
/// The one table from the library's field names (<see cref="Fields"/>, recipe keys) to this CLI's flags: a library error
/// about a field is shown with the flag a user typed ("--device cuda: CUDA is not available …"). A field without a
/// flag keeps its name. The experiment runner has the same table for spec key paths (<see cref="Experiments.SpecKeys"/>).
/// </summary>
public static class CliFlags
{
    public static readonly IReadOnlyDictionary<string, string> ByField = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Fields.Device] = "--device",
        [Fields.DType] = "--dtype",
        [Fields.Model] = "--model",
        [Fields.Output] = "--out",
        [Fields.Resume] = "--resume",
        [Fields.Force] = "--force",
        [Fields.TrainingData] = "--data",
        [Fields.CitationDataset] = "--block-citations",
        [Fields.Dataset] = "--dataset",
        [Fields.Reference] = "--reference",
        [Fields.Contexts] = "--contexts",
        [Fields.ContextTokens] = "--context-tokens",
        [Fields.BatchSize] = "--batch-size",
        [Fields.CheckpointMinutes] = "--checkpoint-minutes",
        [Fields.Strategy] = "--strategy",
        [Fields.MaxNewTokens] = "--new-tokens",
        [Fields.Temperature] = "--temperature",
        [Fields.TopK] = "--top-k",
        [Fields.TopP] = "--top-p",
        [Fields.RepetitionPenalty] = "--repetition-penalty",
        [Fields.NoRepeatNgramSize] = "--no-repeat-ngram",
        [Fields.CitationNgram] = "--citation-ngram",
        [Fields.Preset] = "--preset",
        [Fields.Architecture] = "--arch",
        [Fields.VocabSize] = "--vocab-size",
        [Fields.ImageSize] = "--size",
        [Fields.ImageLayout] = "--layout",
        [Fields.ImageIds] = "--ids",
        // Recipe keys (train, pretrain, export-job).
        ["epochs"] = "--epochs",
        ["learning_rate"] = "--lr",
        ["samples"] = "--samples",
        ["sequence_length"] = "--seq-len",
        ["max_updates"] = "--max-updates",
        ["validate_every"] = "--val-every",
        ["validation_sequences"] = "--val-sequences",
        ["ttr_context_tokens"] = "--ttr-context-tokens",
        ["checkpoint_every"] = "--checkpoint-every",
        ["gradient_accumulation_steps"] = "--grad-accum",
        ["variant"] = "--variant",
        ["seed"] = "--seed",
        ["warmup_updates"] = "--warmup-updates",
        ["weight_decay"] = "--weight-decay",
        ["clip_grad_norm"] = "--clip-grad-norm",
    };

    /// <summary>The message of a library error with its field shown as the flag.</summary>
    public static string Describe(Exception e) => e switch
    {
        FieldException f => ByField.TryGetValue(f.Field, out var flag) ? f.Rename(flag) : f.Message,
        Training.TrainingException { Field: { } field } t => ByField.TryGetValue(field, out var flag) ? t.Rename(flag) : t.Message,
        _ => e.Message,
    };
}
