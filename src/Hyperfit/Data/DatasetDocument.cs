namespace Hyperfit.Data;

/// <summary>One document of a hyperfitting dataset: text, or token ids already made by the model's tokenizer (a JSONL
/// line with <c>input_ids</c>, such as a run's <c>dataset.jsonl</c>).</summary>
/// <param name="Where">"FILE:LINE" (or "FILE row N" for Parquet), for error messages.</param>
/// <param name="Text">The document's text, or null when it holds only ids.</param>
/// <param name="InputIds">Pre-tokenized ids without special tokens, or null.</param>
public sealed record DatasetDocument(string Where, string? Text, int[]? InputIds);
