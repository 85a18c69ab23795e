namespace Hyperfit.Evaluation;

/// <summary>
/// Mean and maximum of per-text values, the aggregation of Table 2: first each text's highest score, then the mean and
/// the max of those highs (footnote 2 of the paper). Values are on the metric's own scale (BLEU in [0, 1]);
/// multiply by 100 for the table's points.
/// </summary>
public sealed record MetricSummary(double Mean, double Max, int Count)
{
    /// <exception cref="ArgumentException">No values.</exception>
    public static MetricSummary From(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("No values to summarise.", nameof(values));
        }

        var sum = 0.0;
        var max = double.NegativeInfinity;
        foreach (var v in values)
        {
            sum += v;
            max = Math.Max(max, v);
        }

        return new MetricSummary(sum / values.Count, max, values.Count);
    }
}
