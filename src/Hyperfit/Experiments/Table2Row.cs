namespace Hyperfit.Experiments;

/// <summary>Table 2: a decoding's diversity and dataset overlap over the first 96 generated tokens (Avg: mean over texts
/// of each text's highest score; Max: the highest), over context sets and seeds.</summary>
public sealed record Table2Row
{
    public required string Row { get; init; }

    public double? SelfBleuAvg { get; init; }

    public double? SelfBleuMax { get; init; }

    public double? DatasetBleuAvg { get; init; }

    public double? DatasetBleuMax { get; init; }

    public double? OverlapAvg { get; init; }

    public double? OverlapMax { get; init; }
}
