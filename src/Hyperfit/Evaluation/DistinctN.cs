namespace Hyperfit.Evaluation;

/// <summary>
/// distinct-n = |unique n-grams| / |n-grams| (Li et al., 2016), per text and corpus-level, n = 1..4.
/// A text with no n-gram of the order (shorter than n) has distinct-n 0 by definition (0 unique of 0).
/// </summary>
public static class DistinctN
{
    /// <exception cref="ArgumentException">The text is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">n outside 1..4.</exception>
    public static double Compute(ReadOnlySpan<int> text, int n)
    {
        NGram.RequireNonEmpty(text, nameof(text));
        var total = NGram.CountIn(text.Length, n);
        var unique = NGram.Counts(text, n).Count;
        return total == 0 ? 0.0 : (double)unique / total;
    }

    /// <summary>
    /// Corpus-level distinct-n: n-grams unique across all texts / n-grams of all texts (n-grams never span two texts).
    /// </summary>
    public static double Corpus(IReadOnlyList<int[]> texts, int n)
    {
        NGram.RequireNonEmpty(texts, nameof(texts));
        var unique = new HashSet<UInt128>();
        long total = 0;
        foreach (var text in texts)
        {
            foreach (var key in NGram.Counts(text, n).Keys)
            {
                unique.Add(key);
            }

            total += NGram.CountIn(text.Length, n);
        }

        return total == 0 ? 0.0 : (double)unique.Count / total;
    }
}
