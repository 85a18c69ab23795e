namespace Hyperfit.HumanStudy;

/// <summary>
/// Symmetric trimming: drop the ⌊share · n⌋ lowest and the ⌊share · n⌋ highest values. How the report filters "5% of
/// outliers" for Figure 9 (left, Appendix A.1) with share 2.5%. Chosen over a percentile cut-off (keep
/// [Q(2.5%), Q(97.5%)]) because an interpolated percentile lies strictly inside the extremes and so drops the
/// minimum and maximum of any small group (40% of five values), while trimming drops at most 5% and nothing below
/// 40 values.
/// </summary>
public static class OutlierTrim
{
    /// <summary>The kept values in their original order; of tied values the first in order count as the lower ones.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sharePerSide"/> outside [0, 0.5).</exception>
    public static IReadOnlyList<double> Symmetric(IReadOnlyList<double> values, double sharePerSide)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(sharePerSide >= 0 && sharePerSide < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(sharePerSide), sharePerSide, "The share trimmed per side must lie in [0, 0.5).");
        }

        var k = (int)Math.Floor(sharePerSide * values.Count + 1e-9);
        if (k == 0)
        {
            return [.. values];
        }

        var byValue = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray(); // stable: ties keep their order
        var dropped = new HashSet<int>(byValue.Take(k).Concat(byValue.TakeLast(k)));
        return Enumerable.Range(0, values.Count).Where(i => !dropped.Contains(i)).Select(i => values[i]).ToList();
    }
}
