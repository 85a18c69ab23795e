namespace Hyperfit.Images;

/// <summary>One line of an id JSONL file.</summary>
public sealed record ImageIdsLine(int[] InputIds);
