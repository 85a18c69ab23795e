namespace Hyperfit.Evaluation;

/// <summary>
/// Everything <c>hyperfit evaluate</c> (and a run's evaluate steps) measured for one generations file: the content of
/// <c>metrics.json</c>, read and written only by <see cref="MetricsFile"/>. A group that was not computed (no dataset, no
/// model) is null.
/// </summary>
public sealed record EvaluationMetrics
{
    public required string Generations { get; init; }

    public required int Texts { get; init; }

    /// <summary>The generations' tokenizer fingerprint (else the first model's), or null.</summary>
    public string? Tokenizer { get; init; }

    public required TextMetrics TextMetrics { get; init; }

    public DatasetMetrics? DatasetMetrics { get; init; }

    public ModelMetrics? ModelMetrics { get; init; }
}
