using System.Text.Json.Serialization;

namespace Hyperfit.Generation;

/// <summary>
/// One line of a generations JSONL file (<c>hyperfit generate</c>, a run's <c>generations.jsonl</c>) or of a prepared
/// context set (<c>reference.jsonl</c>: the original continuation, no decoding fields). Read and written only by
/// <see cref="GenerationsFile"/>. Members that do not apply are absent from the line (not null): a prepared context
/// has no <c>stopped_at_eos</c>, a folder without a tokenizer file no <c>tokenizer</c>.
/// </summary>
public sealed record GenerationLine
{
    /// <summary>The line of the context's document in its source file.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Line { get; init; }

    /// <summary>The context decoded (special tokens skipped); for reading by people.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Context { get; init; }

    /// <summary>The context as the model saw it (BOS included when the tokenizer adds one).</summary>
    public required int[] ContextIds { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Continuation { get; init; }

    /// <summary>The generated (or original) continuation only.</summary>
    public required int[] ContinuationIds { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? StoppedAtEos { get; init; }

    /// <summary>Citation-blocker counts (<see cref="CitationStats"/>); absent for original continuations.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CitationSteps { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CitationBlocked { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CitationFallbacks { get; init; }

    /// <summary>A <see cref="Tokenization.TokenizerFingerprint"/>: lets evaluation reject ids of another tokenizer.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Tokenizer { get; init; }

    /// <summary>1-based line of this record in the file it was read from (0 when not read from a file); for messages.</summary>
    [JsonIgnore]
    public int FileLine { get; init; }
}
