namespace Hyperfit.HumanStudy;

/// <summary>
/// The Wilson score interval for a binomial proportion (Wilson 1927; method 3 in Newcombe 1998): the set of shares p
/// whose score test against the observed k of n is not rejected. Unlike the Wald interval it stays inside [0, 1] and
/// is not degenerate at k = 0 or k = n. Treats the n votes as independent, which the study's votes are not (three
/// votes share an item, several items share a context), so the report shows it beside the cluster bootstrap as the
/// narrower, naive comparison.
/// </summary>
public static class WilsonInterval
{
    /// <summary>z for a two-sided 95% interval: the 0.975 quantile of the standard normal.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>The interval for <paramref name="successes"/> of <paramref name="trials"/>; null when there are no trials.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative count, more successes than trials, or z ≤ 0.</exception>
    public static ConfidenceInterval? Compute(int successes, int trials, double z = Z95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, successes);
        if (!(z > 0) || double.IsInfinity(z))
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "z must be a positive number.");
        }

        if (trials == 0)
        {
            return null;
        }

        // centre (p + z²/2n) / (1 + z²/n) ± z √(p(1 − p)/n + z²/4n²) / (1 + z²/n)
        double n = trials;
        var p = successes / n;
        var z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        // Exact ends where the data sit at a boundary (the formula gives them up to rounding).
        var lower = successes == 0 ? 0 : Math.Max(0, centre - half);
        var upper = successes == trials ? 1 : Math.Min(1, centre + half);
        return new ConfidenceInterval(lower, upper);
    }
}
