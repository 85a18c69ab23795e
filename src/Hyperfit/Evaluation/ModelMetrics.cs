namespace Hyperfit.Evaluation;

/// <summary>metrics.json's <c>model_metrics</c>: each model's scores and, with several models, §6.1's top-1 agreement.</summary>
public sealed record ModelMetrics
{
    /// <summary>What was scored: <see cref="Generations"/> (context + generated continuation) or <see cref="Reference"/>.</summary>
    public required string Texts { get; init; }

    public required IReadOnlyList<ModelScores> Models { get; init; }

    /// <summary>Share of positions where models i and j predict the same top token; null with one model.</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Top1Agreement { get; init; }

    public const string Generations = "generations";

    public const string Reference = "reference";
}
