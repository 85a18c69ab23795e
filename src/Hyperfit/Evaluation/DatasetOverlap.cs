namespace Hyperfit.Evaluation;

/// <summary>Longest dataset overlap per text and its summaries (Table 2 "Dataset Overlap", Figure 3, Table 5).</summary>
/// <param name="Longest">Per text, the length in tokens of the longest contiguous run also found in one dataset sequence.</param>
/// <param name="Histogram">Histogram[k] = number of texts whose longest overlap is exactly k tokens (k = 0..max).</param>
public sealed record DatasetOverlapResult(IReadOnlyList<int> Longest, MetricSummary Summary, IReadOnlyList<int> Histogram)
{
    /// <summary>Share (0..1) of texts whose longest overlap is strictly more than <paramref name="tokens"/> tokens (Table 5 uses 5).</summary>
    public double ShareLongerThan(int tokens) => (double)Longest.Count(v => v > tokens) / Longest.Count;
}

/// <summary>
/// Dataset overlap: the longest contiguous token sequence a text shares with the dataset (any position of any one
/// sequence), found in linear time with a <see cref="SuffixAutomaton"/> built once over the dataset.
/// </summary>
public static class DatasetOverlap
{
    public static DatasetOverlapResult Compute(IReadOnlyList<int[]> texts, IReadOnlyList<int[]> dataset) =>
        Compute(new SuffixAutomaton(dataset), texts);

    /// <exception cref="ArgumentException">No texts, or an empty text.</exception>
    public static DatasetOverlapResult Compute(SuffixAutomaton automaton, IReadOnlyList<int[]> texts)
    {
        ArgumentNullException.ThrowIfNull(automaton);
        NGram.RequireNonEmpty(texts, nameof(texts));
        var longest = new int[texts.Count];
        Parallel.For(0, texts.Count, t => longest[t] = automaton.LongestMatch(texts[t]));
        return Summarise(longest);
    }

    /// <summary>Builds the result (summary and histogram) from per-text longest overlaps.</summary>
    public static DatasetOverlapResult Summarise(IReadOnlyList<int> longest)
    {
        ArgumentNullException.ThrowIfNull(longest);
        var summary = MetricSummary.From(longest.Select(v => (double)v).ToArray());
        var histogram = new int[longest.Max() + 1];
        foreach (var v in longest)
        {
            histogram[v]++;
        }

        return new DatasetOverlapResult(longest.ToArray(), summary, histogram);
    }

    /// <summary>The test oracle: every text start against every dataset position, O(|text|·|dataset|·overlap).</summary>
    public static int BruteForce(ReadOnlySpan<int> text, IReadOnlyList<int[]> dataset)
    {
        NGram.RequireNonEmpty(text, nameof(text));
        NGram.RequireNonEmpty(dataset, nameof(dataset));
        var best = 0;
        for (var i = 0; i < text.Length; i++)
        {
            foreach (var sequence in dataset)
            {
                for (var p = 0; p < sequence.Length; p++)
                {
                    var k = 0;
                    while (i + k < text.Length && p + k < sequence.Length && text[i + k] == sequence[p + k])
                    {
                        k++;
                    }

                    best = Math.Max(best, k);
                }
            }
        }

        return best;
    }
}
