namespace Hyperfit.HumanStudy;

/// <summary>
/// Sample quantiles by linear interpolation between order statistics (Hyndman &amp; Fan 1996 type 7, the default of R's
/// <c>quantile</c> and numpy's <c>percentile</c>): for sorted x₀ ≤ … ≤ x₍ₙ₋₁₎ and q in [0, 1], h = (n − 1)·q and
/// Q(q) = x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋).
/// </summary>
public static class Percentile
{
    /// <summary>Q(<paramref name="q"/>) of values already sorted ascending.</summary>
    /// <exception cref="ArgumentException">No values.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> outside [0, 1].</exception>
    public static double OfSorted(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("Need at least one value.", nameof(sorted));
        }

        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The quantile must lie in [0, 1].");
        }

        var h = (sorted.Count - 1) * q;
        var low = (int)Math.Floor(h);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
    }
}
