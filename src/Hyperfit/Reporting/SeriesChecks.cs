namespace Hyperfit.Reporting;

/// <summary>Argument checks shared by the multi-series plots.</summary>
internal static class SeriesChecks
{
    /// <summary>At least one series; labels non-blank and distinct (they become legend entries).</summary>
    public static void RequireLabels(IReadOnlyList<string> labels, string paramName)
    {
        if (labels.Count == 0)
        {
            throw new ArgumentException("Need at least one series.", paramName);
        }

        if (labels.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Every series needs a non-blank label.", paramName);
        }

        var duplicate = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"The label \"{duplicate.Key}\" is used twice.", paramName);
        }
    }
}
