using System.Text.Json.Serialization;

namespace Hyperfit.Experiments;

/// <summary>
/// A table row with one column per context set and their average: Table 5 (share of texts with an overlap above 5
/// tokens) and Table 4 automatic (256 TTR per hyperfitting dataset). In results.json each set is a member named after its
/// label (<c>{"row": "base_greedy", "fiction": 0.42, "press": 0.5, "average": 0.46}</c>), the paper's table layout;
/// <see cref="PerSetRowConverter"/> writes and reads that shape.
/// </summary>
[JsonConverter(typeof(PerSetRowConverter))]
public sealed record PerSetRow
{
    /// <summary>The decoding label, model, or <c>original_texts</c>.</summary>
    public required string Row { get; init; }

    /// <summary>Table 4 only: the decoding the model's row uses (null: the original texts' row, or Table 5).</summary>
    public string? Decoding { get; init; }

    /// <summary>Table 4 only: the hyperfitting data file of the row's model.</summary>
    public string? Data { get; init; }

    /// <summary>Table 4 rows carry <see cref="Decoding"/> and <see cref="Data"/> (also when null).</summary>
    public bool HasModelColumns { get; init; }

    /// <summary>Per context set, in the spec's order.</summary>
    public required IReadOnlyList<KeyValuePair<string, double?>> Sets { get; init; }

    public double? Average { get; init; }
}
