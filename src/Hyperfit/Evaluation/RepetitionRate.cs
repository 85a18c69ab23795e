namespace Hyperfit.Evaluation;

/// <summary>
/// rep-n = 1 − |unique n-grams| / |n-grams| within one text (Welleck et al., 2019, "seq-rep-n"), n = 1..4:
/// the share of n-grams that repeat an earlier n-gram of the same text. 0 for a text shorter than n.
/// </summary>
public static class RepetitionRate
{
    /// <exception cref="ArgumentException">The text is empty.</exception>
    public static double Compute(ReadOnlySpan<int> text, int n)
    {
        NGram.RequireNonEmpty(text, nameof(text));
        return NGram.CountIn(text.Length, n) == 0 ? 0.0 : 1.0 - DistinctN.Compute(text, n);
    }

    /// <summary>Mean rep-n over texts.</summary>
    public static double Mean(IReadOnlyList<int[]> texts, int n)
    {
        NGram.RequireNonEmpty(texts, nameof(texts));
        return texts.Average(t => Compute(t, n));
    }
}
