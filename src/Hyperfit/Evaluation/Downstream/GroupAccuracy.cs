namespace Hyperfit.Evaluation.Downstream;

/// <summary>Accuracy over one MMLU subject or category.</summary>
/// <param name="AccuracyNorm">The harness's <c>acc_norm</c> (log-likelihood ÷ answer length in characters); null
/// unless scored in harness mode.</param>
public sealed record GroupAccuracy(string Name, int Questions, double? Accuracy, double? AccuracyNorm);
