namespace Hyperfit.HumanStudy;

/// <summary>
/// Fleiss' kappa (Fleiss 1971): chance-corrected agreement of a fixed number n of ratings per subject over k
/// categories, raters need not be the same people across subjects (as in the study, where any three of the pool
/// judge an item). With n_ij the raters putting subject i in category j, N subjects:
/// P_i = (Σ_j n_ij² − n) / (n(n − 1)), P̄ = mean P_i, p_j = Σ_i n_ij / (N n), P̄_e = Σ_j p_j², κ = (P̄ − P̄_e) / (1 − P̄_e).
/// </summary>
public static class FleissKappa
{
    /// <summary>κ from per-subject category counts; null when there are no subjects or it is undefined (every rating in
    /// one category: P̄_e = 1).</summary>
    /// <param name="counts">counts[i][j]: raters who put subject i in category j; every row has the same length (k ≥ 2)
    /// and the same sum (n ≥ 2).</param>
    /// <exception cref="ArgumentException">Rows of different lengths or sums, a negative count, n &lt; 2 or k &lt; 2.</exception>
    public static double? Compute(IReadOnlyList<int[]> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return null;
        }

        var k = counts[0].Length;
        var n = counts[0].Sum();
        if (k < 2 || n < 2)
        {
            throw new ArgumentException($"Need at least 2 categories and 2 ratings per subject (got {k} and {n}).", nameof(counts));
        }

        var totals = new double[k];
        var agreement = 0.0;
        for (var i = 0; i < counts.Count; i++)
        {
            var row = counts[i];
            if (row.Length != k || row.Sum() != n || row.Any(c => c < 0))
            {
                throw new ArgumentException(
                    $"Subject {i} has counts [{string.Join(", ", row)}]; every subject needs {k} non-negative counts summing to {n}.", nameof(counts));
            }

            var squares = 0.0;
            for (var j = 0; j < k; j++)
            {
                squares += (double)row[j] * row[j];
                totals[j] += row[j];
            }

            agreement += (squares - n) / (n * (n - 1.0));
        }

        var observed = agreement / counts.Count;
        var chance = totals.Sum(t => Math.Pow(t / (counts.Count * (double)n), 2));
        return chance >= 1 ? null : (observed - chance) / (1 - chance);
    }
}
