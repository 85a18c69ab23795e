using System.Text.Json.Serialization;

namespace Hyperfit.Evaluation;

/// <summary>metrics.json's <c>text_metrics</c>: metrics of the generated token ids alone (no model, no dataset).
/// Ratios on their natural scale (0–1). See docs/metrics.md.</summary>
public sealed record TextMetrics
{
    public required TokenRange ContinuationTokens { get; init; }

    /// <summary>TTR of each text's last 96 tokens (the whole text when shorter), mean over texts.</summary>
    public required double Ttr { get; init; }

    /// <summary>Table 1's 128 scenario: TTR of the first 96 generated tokens (32 context + 96).</summary>
    [JsonPropertyName("ttr_128")]
    public required double Ttr128 { get; init; }

    /// <summary>Table 1's 256 scenario: TTR of the last 96 of the first 224 generated tokens (32 context + 224).</summary>
    [JsonPropertyName("ttr_256")]
    public required double Ttr256 { get; init; }

    [JsonPropertyName("ttr_texts_shorter_than_96")]
    public required int TtrTextsShorterThan96 { get; init; }

    [JsonPropertyName("ttr_256_texts_shorter_than_224")]
    public required int Ttr256TextsShorterThan224 { get; init; }

    /// <summary>Self-BLEU of the first 96 tokens (Table 2); null with fewer than two texts.</summary>
    public required MeanMax? SelfBleu { get; init; }

    /// <summary>Corpus distinct-n for n = 1…4.</summary>
    public required IReadOnlyDictionary<int, double> DistinctN { get; init; }

    /// <summary>Mean rep-n for n = 1…4.</summary>
    public required IReadOnlyDictionary<int, double> RepN { get; init; }

    /// <summary>The BLEU smoothing used (<see cref="BleuSmoothing"/>'s name).</summary>
    public required string Smoothing { get; init; }
}
