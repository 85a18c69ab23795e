using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Hyperfit.Training;

/// <summary>Everything that decides a hyperfitting run. The defaults are the paper's setup, written once here.</summary>
/// <remarks>§3: "20 epochs on 2000 randomly selected sequences … with a length of 256 tokens … Adam optimizer with a
/// learning rate of 1e-6 without weight decay, and … a batch size of 8", next-token prediction over every position.
/// Betas and epsilon are PyTorch's Adam defaults (the paper names none); note that TorchSharp's
/// <c>torch.optim.Adam</c> factory defaults beta2 to 0.99, so the trainer always passes these explicitly.
/// Loaded from JSON with snake_case keys (<see cref="Load"/>); an unknown key is an error.</remarks>
public sealed record HyperfitRecipe
{
    /// <summary>§3: 2000 training sequences. With <see cref="MaxUpdates"/> this is the §6.3 sample-count sweep.
    /// In <see cref="Training.DataMode.Pack"/> mode 0 means every packed sequence not held out for validation
    /// (resolved by <see cref="WithSamples"/> once the data is read).</summary>
    public int Samples { get; init; } = 2000;

    /// <summary>§3: sequences of 256 tokens (documents shorter than this are skipped, longer ones truncated).</summary>
    public int SequenceLength { get; init; } = 256;

    /// <summary>§3 truncates documents (the default); pre-training packs them (see <see cref="Training.DataMode"/>).</summary>
    public DataMode DataMode { get; init; } = DataMode.Truncate;

    /// <summary>§3: 20 epochs. Ignored when <see cref="MaxUpdates"/> is set.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>§3: 1e-6. The peak rate under <see cref="LearningRateSchedule.WarmupCosine"/>.</summary>
    public double LearningRate { get; init; } = 1e-6;

    /// <summary>§3: Adam. Pre-training: AdamW (decoupled weight decay).</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>§3 and §7.2 (5): no weight decay. With AdamW it is decoupled and skips 1-D parameters (norms).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Clip the global gradient norm to this before each step (null: off, as in §3).</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>§3: sequences per update (the effective batch; see <see cref="GradientAccumulationSteps"/>).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Micro-batches per update: the batch is split into this many equal parts, each backpropagated
    /// separately, so memory drops while the update stays the same.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>Dropout while training. §3 hyperfits without dropout; config.json values are ignored.</summary>
    public double Dropout { get; init; }

    /// <summary>Seeds the sample draw, the per-epoch order and torch's generator. Our choice (the paper gives none).</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Overrides <see cref="Epochs"/>: stop after this many updates (§6.3 keeps updates constant at 5000
    /// while the number of samples changes).</summary>
    public int? MaxUpdates { get; init; }

    /// <summary>§6.1 data variants.</summary>
    public DataVariant Variant { get; init; } = DataVariant.None;

    /// <summary>Validate at the start and every this many updates (and after the last).</summary>
    public int ValidateEvery { get; init; } = 50;

    /// <summary>Held-out sequences used for validation loss, entropy and TTR (disjoint from the training samples).</summary>
    public int ValidationSequences { get; init; } = 32;

    /// <summary>Figure 2: greedy continuations from the first 32 tokens of held-out sequences…</summary>
    public int TtrContextTokens { get; init; } = 32;

    /// <summary>…of 96 generated tokens, whose TTR is averaged.</summary>
    public int TtrGeneratedTokens { get; init; } = 96;

    /// <summary>Write a resumable checkpoint every this many updates (0: only on Ctrl-C).</summary>
    public int CheckpointEvery { get; init; } = 250;

    /// <summary>float32, or bfloat16 compute with float32 master weights.</summary>
    [JsonPropertyName("dtype")]
    public string DType { get; init; } = "float32";

    /// <summary>Constant for hyperfitting; warmup + cosine for pre-training.</summary>
    public LearningRateSchedule LearningRateSchedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Linear warmup length of <see cref="LearningRateSchedule.WarmupCosine"/>.</summary>
    public int WarmupUpdates { get; init; }

    /// <summary>Where <see cref="LearningRateSchedule.WarmupCosine"/> ends, as a fraction of the peak rate.</summary>
    public double MinLearningRateRatio { get; init; } = 0.1;

    /// <summary>The paper's setup.</summary>
    [JsonIgnore]
    public static HyperfitRecipe Paper { get; } = new();

    /// <summary>Our pre-training preset for the small default models (not from the paper): packed sequences of 256,
    /// AdamW with betas 0.9/0.95 (Llama's) and decoupled weight decay 0.1, peak lr 1e-3 after 100 warmup updates
    /// then cosine to 1e-4, gradient clipping at 1.0, bfloat16 compute, batch 32, 10 epochs (≈ 2 hours for the Brown default model on
    /// our 2-core machine; see recipes/README.md).</summary>
    [JsonIgnore]
    public static HyperfitRecipe Pretraining { get; } = new()
    {
        DataMode = DataMode.Pack,
        Samples = 0,
        SequenceLength = 256,
        Epochs = 10,
        Optimizer = OptimizerKind.AdamW,
        LearningRate = 1e-3,
        Beta1 = 0.9,
        Beta2 = 0.95,
        Epsilon = 1e-8,
        WeightDecay = 0.1,
        ClipGradNorm = 1.0,
        LearningRateSchedule = LearningRateSchedule.WarmupCosine,
        WarmupUpdates = 100,
        MinLearningRateRatio = 0.1,
        BatchSize = 32,
        ValidateEvery = 100,
        ValidationSequences = 64,
        CheckpointEvery = 100,
        DType = "bfloat16",
    };

    /// <summary>This recipe with <c>samples</c> fixed to <paramref name="available"/> when it is 0 (pack mode:
    /// "all"); unchanged otherwise.</summary>
    public HyperfitRecipe WithSamples(int available) => Samples == 0 ? this with { Samples = available } : this;

    /// <summary>Updates in one pass over the samples (the last batch may be smaller).</summary>
    [JsonIgnore]
    public int UpdatesPerEpoch => (int)(((long)Samples + BatchSize - 1) / BatchSize);

    /// <summary>Updates the run makes: <see cref="MaxUpdates"/> if set, else epochs × updates per epoch.</summary>
    [JsonIgnore]
    public long TotalUpdates => MaxUpdates ?? (long)Epochs * UpdatesPerEpoch;

    [JsonIgnore]
    public bool UsesBFloat16 => DType == "bfloat16";

    /// <summary>Rejects impossible settings before anything runs.</summary>
    /// <exception cref="FieldException">Names the recipe key (its field) and its value.</exception>
    public HyperfitRecipe Validate()
    {
        // Every message starts with the recipe key it is about: that key is the error's field.
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new FieldException(message[..message.IndexOf(' ', StringComparison.Ordinal)], message);
            }
        }

        Require(Samples >= 1 || (Samples == 0 && DataMode == DataMode.Pack),
            $"samples ({Samples}) must be at least 1 (0, meaning all, only with data_mode pack)");
        Require(SequenceLength >= 2, $"sequence_length ({SequenceLength}) must be at least 2");
        Require(Epochs >= 1, $"epochs ({Epochs}) must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"learning_rate ({LearningRate}) must be positive");
        Require(Beta1 is >= 0 and < 1, $"beta1 ({Beta1}) must be in [0, 1)");
        Require(Beta2 is >= 0 and < 1, $"beta2 ({Beta2}) must be in [0, 1)");
        Require(Epsilon > 0, $"epsilon ({Epsilon}) must be positive");
        Require(WeightDecay >= 0, $"weight_decay ({WeightDecay}) must not be negative");
        Require(BatchSize >= 1, $"batch_size ({BatchSize}) must be at least 1");
        Require(Samples == 0 || Samples >= BatchSize,
            $"samples ({Samples}) is smaller than batch_size ({BatchSize}): every update would see only {Samples} sequences; lower batch_size or add samples");
        Require(GradientAccumulationSteps >= 1, $"gradient_accumulation_steps ({GradientAccumulationSteps}) must be at least 1");
        Require(BatchSize % GradientAccumulationSteps == 0,
            $"gradient_accumulation_steps ({GradientAccumulationSteps}) must divide batch_size ({BatchSize})");
        Require(Dropout is >= 0 and < 1, $"dropout ({Dropout}) must be in [0, 1)");
        Require(MaxUpdates is null or >= 1, $"max_updates ({MaxUpdates}) must be at least 1");
        Require(ClipGradNorm is null || (ClipGradNorm > 0 && double.IsFinite(ClipGradNorm.Value)),
            $"clip_grad_norm ({ClipGradNorm}) must be positive (or null: off)");
        Require(WarmupUpdates >= 0, $"warmup_updates ({WarmupUpdates}) must not be negative");
        Require(WarmupUpdates == 0 || LearningRateSchedule == LearningRateSchedule.WarmupCosine,
            $"warmup_updates ({WarmupUpdates}) needs learning_rate_schedule warmup_cosine (it is {LearningRateSchedule})");
        Require(MinLearningRateRatio is >= 0 and <= 1, $"min_learning_rate_ratio ({MinLearningRateRatio}) must be in [0, 1]");
        Require(Variant != DataVariant.Shuffle1 || Samples is 0 or >= 2, $"variant shuffle1 needs at least 2 samples (samples is {Samples})");
        Require(ValidateEvery >= 0, $"validate_every ({ValidateEvery}) must not be negative (0 turns validation off)");
        Require(ValidationSequences >= 0, $"validation_sequences ({ValidationSequences}) must not be negative");
        Require(TtrContextTokens >= 1 && TtrContextTokens < SequenceLength,
            $"ttr_context_tokens ({TtrContextTokens}) must be between 1 and sequence_length - 1 ({SequenceLength - 1})");
        Require(TtrGeneratedTokens >= 0, $"ttr_generated_tokens ({TtrGeneratedTokens}) must not be negative");
        Require(CheckpointEvery >= 0, $"checkpoint_every ({CheckpointEvery}) must not be negative (0: only on Ctrl-C)");
        Require(DType is "float32" or "bfloat16", $"dtype '{DType}' must be float32 or bfloat16");
        return this;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
    };

    /// <summary>The keys a recipe file may hold (snake_case property names).</summary>
    [JsonIgnore]
    public static IReadOnlyList<string> Keys { get; } = typeof(HyperfitRecipe)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite)
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name))
        .ToArray();

    /// <summary>Reads a recipe file: keys not given keep <paramref name="basis"/>'s values (default: the paper's).
    /// Not yet validated (CLI overrides come first).</summary>
    /// <exception cref="InvalidDataException">Invalid JSON, an unknown key, or a value of the wrong type; names the file.</exception>
    public static HyperfitRecipe Load(string path, HyperfitRecipe? basis = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: recipe file not found");
        }

        return Parse(text, path, basis);
    }

    /// <summary>Parses recipe JSON over <paramref name="basis"/> (default: the paper's recipe); <paramref name="source"/>
    /// names it in errors.</summary>
    public static HyperfitRecipe Parse(string json, string source, HyperfitRecipe? basis = null)
    {
        JsonObject obj;
        try
        {
            obj = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })?.AsObject()
                  ?? throw new InvalidDataException($"{source}: expected a JSON object");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{source}: invalid JSON ({e.Message})", e);
        }

        foreach (var (key, _) in obj)
        {
            if (!Keys.Contains(key, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{source}: unknown key '{key}' (known keys: {string.Join(", ", Keys)})");
            }
        }

        var merged = (basis ?? Paper).ToJson();
        foreach (var (key, value) in obj)
        {
            merged[key] = value?.DeepClone();
        }

        try
        {
            return merged.Deserialize<HyperfitRecipe>(JsonOptions) ?? new HyperfitRecipe();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {(e.Path is null ? "" : $"key {e.Path.TrimStart('$', '.')}: ")}{FirstLine(e.Message)}", e);
        }
    }

    /// <summary>The recipe as JSON (the keys <see cref="Load"/> accepts): echoed in logs and checkpoints.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, JsonOptions)!.AsObject();

    public string ToJsonString() => JsonSerializer.Serialize(this, JsonOptions);

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
