using System.Text.Json.Serialization;
using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>Table 1: a decoding's (or the original texts') context perplexity and TTR, means over context sets and seeds;
/// with a human study also its preference (pooled votes, 95% interval). Null: not computed (the spec did not ask).</summary>
public sealed record Table1Row
{
    /// <summary>The decoding label, or <c>original_texts</c>.</summary>
    public required string Row { get; init; }

    public double? ContextPpl { get; init; }

    [JsonPropertyName("ttr_128")]
    public double? Ttr128 { get; init; }

    [JsonPropertyName("ttr_256")]
    public double? Ttr256 { get; init; }

    [JsonPropertyName("pref_128")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Pref128 { get; init; }

    [JsonPropertyName("pref_128_ci")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfidenceInterval? Pref128Ci { get; init; }

    /// <summary>Votes behind <see cref="Pref128"/>; null without a human study.</summary>
    [JsonPropertyName("pref_128_votes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Pref128Votes { get; init; }

    [JsonPropertyName("pref_256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Pref256 { get; init; }

    [JsonPropertyName("pref_256_ci")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfidenceInterval? Pref256Ci { get; init; }

    [JsonPropertyName("pref_256_votes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Pref256Votes { get; init; }

    /// <summary>The row label of the original texts.</summary>
    public const string OriginalTexts = "original_texts";
}
