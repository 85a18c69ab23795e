namespace Hyperfit;

/// <summary>
/// The names library errors give to the inputs they reject (<see cref="FieldException.Field"/>,
/// <see cref="Training.TrainingException.Field"/>). Recipe errors use the recipe's own keys (<c>samples</c>,
/// <c>batch_size</c>, …; <see cref="Training.HyperfitRecipe.Keys"/>). Front ends translate both: the CLI to flags, the
/// experiment runner to spec key paths.
/// </summary>
public static class Fields
{
    /// <summary>The compute device (cpu, cuda, cuda:N, auto).</summary>
    public const string Device = "device";

    /// <summary>The compute dtype of a loaded model.</summary>
    public const string DType = "dtype";

    /// <summary>A model folder.</summary>
    public const string Model = "model";

    /// <summary>A job's output file or folder.</summary>
    public const string Output = "output";

    /// <summary>Write into a run folder that holds another spec's results.</summary>
    public const string Force = "force";

    /// <summary>Continue a training run from its checkpoint.</summary>
    public const string Resume = "resume";

    /// <summary>The hyperfitting data of a training run.</summary>
    public const string TrainingData = "training_data";

    /// <summary>The hyperfitting dataset whose citations generation blocks (§3).</summary>
    public const string CitationDataset = "citation_dataset";

    /// <summary>The hyperfitting dataset that evaluation's dataset metrics compare with.</summary>
    public const string Dataset = "dataset";

    /// <summary>Original texts scored by a model instead of the generations (Table 3).</summary>
    public const string Reference = "reference";

    /// <summary>The contexts file of generation.</summary>
    public const string Contexts = "contexts";

    /// <summary>Tokens of each context kept.</summary>
    public const string ContextTokens = "context_tokens";

    /// <summary>Texts (contexts) processed together by generation or evaluation.</summary>
    public const string BatchSize = "batch_size";

    /// <summary>Minutes between time-based checkpoints.</summary>
    public const string CheckpointMinutes = "checkpoint_minutes";

    // Generation settings (GenerationConfig).
    public const string Strategy = "strategy";
    public const string MaxNewTokens = "max_new_tokens";
    public const string Temperature = "temperature";
    public const string TopK = "top_k";
    public const string TopP = "top_p";
    public const string RepetitionPenalty = "repetition_penalty";
    public const string NoRepeatNgramSize = "no_repeat_ngram_size";
    public const string CitationNgram = "citation_ngram";

    // New models (new-model).
    public const string Preset = "preset";
    public const string Architecture = "arch";
    public const string VocabSize = "vocab_size";

    // Image preparation (image palette / new-model / encode / decode).
    public const string ImageSize = "size";
    public const string ImageLayout = "layout";
    public const string ImageIds = "ids";
}
