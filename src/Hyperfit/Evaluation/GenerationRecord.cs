namespace Hyperfit.Evaluation;

/// <summary>One line of a <c>hyperfit generate</c> JSONL file, as far as evaluation needs it.</summary>
/// <param name="Line">1-based line in the file, for error messages.</param>
/// <param name="ContextIds">Field <c>context_ids</c> (BOS included when the tokenizer adds one).</param>
/// <param name="ContinuationIds">Field <c>continuation_ids</c>.</param>
/// <param name="Tokenizer">Field <c>tokenizer</c> (a <see cref="Tokenization.TokenizerFingerprint"/>), or null.</param>
public sealed record GenerationRecord(int Line, int[] ContextIds, int[] ContinuationIds, string? Tokenizer)
{
    /// <summary>Field <c>line</c>: the line of the context's document in its source file, when the writer recorded it.</summary>
    public int? SourceLine { get; init; }
}
