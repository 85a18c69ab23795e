namespace Hyperfit.Generation;

/// <summary>One context or dataset document read from a .txt or .jsonl file.</summary>
/// <param name="Line">1-based line in the file, for error messages.</param>
/// <param name="Text">The text, or null when the record only holds token ids.</param>
/// <param name="InputIds">Pre-tokenized ids (JSONL field <c>input_ids</c>), or null.</param>
public sealed record TextRecord(int Line, string? Text, int[]? InputIds);
