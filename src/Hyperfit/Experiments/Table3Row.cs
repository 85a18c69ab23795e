namespace Hyperfit.Experiments;

/// <summary>Table 3: a model's predictions on the original texts, pooled over context sets (position-weighted) and
/// averaged over seeds.</summary>
public sealed record Table3Row
{
    /// <summary><c>base</c> or a variant's label.</summary>
    public required string Row { get; init; }

    public double? Ppl { get; init; }

    public double? Entropy { get; init; }

    public double? Top1 { get; init; }

    public double? Top3 { get; init; }

    public double? Top5 { get; init; }
}
