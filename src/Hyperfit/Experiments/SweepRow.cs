using System.Text.Json.Serialization;

namespace Hyperfit.Experiments;

/// <summary>§6.3: greedy TTR of a model hyperfitted on <see cref="Samples"/> samples with a constant number of updates.</summary>
public sealed record SweepRow
{
    public required int Samples { get; init; }

    [JsonPropertyName("ttr_256")]
    public double? Ttr256 { get; init; }

    [JsonPropertyName("ttr_128")]
    public double? Ttr128 { get; init; }
}
