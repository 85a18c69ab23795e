namespace Hyperfit.Evaluation;

/// <summary>Mean and maximum over texts of each text's score (Table 2's Avg and Max, footnote 2), as stored in metrics.json.</summary>
public sealed record MeanMax(double Mean, double Max)
{
    public static MeanMax From(MetricSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new MeanMax(summary.Mean, summary.Max);
    }
}
