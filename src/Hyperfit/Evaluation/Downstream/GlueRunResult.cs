namespace Hyperfit.Evaluation.Downstream;

/// <summary>One GLUE task with one number of shots, for one model.</summary>
/// <param name="Shots">Shots asked for; lowered per example while its prompt does not fit the context (the paper:
/// "the maximum number of shots allowed by the context length").</param>
/// <param name="Examples">Dev examples (after <c>--limit</c>).</param>
/// <param name="Scored">Examples answered (all but <paramref name="SkippedTooLong"/>).</param>
/// <param name="ShotLabelCounts">How often each label occurs among all shots used (label order = answer words).</param>
/// <param name="F1">MRPC and QQP (positive label 1, "yes"); null for the other tasks.</param>
/// <param name="Mcc">CoLA's Matthews correlation; null for the other tasks.</param>
/// <param name="AccuracyNorm">Harness mode's <c>acc_norm</c>; null in generate mode.</param>
/// <param name="Unparsable">Generate mode: generations with no answer word; null in harness mode.</param>
public sealed record GlueRunResult(
    string Task, int Shots, int Examples, int Scored, int SkippedTooLong, int ShotsLowered, double? MeanShotsUsed,
    IReadOnlyList<int> ShotLabelCounts, double? Accuracy, double? AccuracyNorm, double? F1, double? Mcc, int? Unparsable,
    double Seconds, double QuestionsPerSecond);
