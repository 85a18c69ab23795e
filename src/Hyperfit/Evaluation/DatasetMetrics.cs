using System.Text.Json.Serialization;

namespace Hyperfit.Evaluation;

/// <summary>metrics.json's <c>dataset_metrics</c>: how much of the hyperfitting data the generations repeat (Table 2's
/// dataset BLEU and overlap of the first 96 tokens, Table 5's and Figure 3's overlap of whole continuations).</summary>
public sealed record DatasetMetrics
{
    public required string Path { get; init; }

    public required int Sequences { get; init; }

    public required long Tokens { get; init; }

    [JsonPropertyName("sequences_shorter_than_96")]
    public required int SequencesShorterThan96 { get; init; }

    [JsonPropertyName("texts_shorter_than_96")]
    public required int TextsShorterThan96 { get; init; }

    /// <summary>Dataset BLEU of the first 96 generated tokens.</summary>
    public required MeanMax Bleu { get; init; }

    /// <summary>Longest overlap (tokens) of the first 96 generated tokens with the data.</summary>
    public required MeanMax Overlap { get; init; }

    /// <summary>Longest overlap of whole continuations.</summary>
    public required MeanMax OverlapFull { get; init; }

    /// <summary>Table 5: share of texts whose longest overlap is more than 5 tokens.</summary>
    [JsonPropertyName("overlap_full_share_over_5")]
    public required double OverlapFullShareOver5 { get; init; }

    [JsonPropertyName("overlap_full_share_over_10")]
    public required double OverlapFullShareOver10 { get; init; }

    /// <summary>Figure 3: texts per longest-overlap length (index = tokens); null in files written before it was stored.</summary>
    public IReadOnlyList<int>? OverlapFullHistogram { get; init; }
}
