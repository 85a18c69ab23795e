namespace Hyperfit.Evaluation;

/// <summary>Shortest and longest length, in tokens.</summary>
public sealed record TokenRange(int Min, int Max);
