using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>Table 4 from a human study: a decoding's preference per context set at 256 tokens and their average.</summary>
public sealed record HumanTable4Row
{
    public required string Row { get; init; }

    public double? Average { get; init; }

    public ConfidenceInterval? AverageCi { get; init; }

    /// <summary>Per context set label.</summary>
    public required IReadOnlyDictionary<string, HumanSetCell> Sets { get; init; }
}
