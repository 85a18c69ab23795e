namespace Hyperfit.Experiments;

/// <summary>The tables' aggregations over nullable cells: a missing value makes the aggregate missing (never NaN).</summary>
internal static class Stats
{
    public static double? Mean(IEnumerable<double?> values)
    {
        var list = values.ToList();
        return list.Count == 0 || list.Any(v => v is null || !double.IsFinite(v.Value)) ? null : list.Average(v => v!.Value);
    }

    public static double? Max(IEnumerable<double?> values)
    {
        var list = values.ToList();
        return list.Count == 0 || list.Any(v => v is null || !double.IsFinite(v.Value)) ? null : list.Max(v => v!.Value);
    }

    /// <summary>A finite value, else null.</summary>
    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
