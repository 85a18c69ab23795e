namespace Hyperfit.Evaluation;

/// <summary>Per-text highest BLEU scores and their mean / max.</summary>
public sealed record BleuHighestResult(IReadOnlyList<double> Highest, MetricSummary Summary);

/// <summary>
/// Self-BLEU as in Table 2: for every generated text, the highest BLEU of that text (hypothesis) against each other
/// generated text taken individually as the single reference; then mean and max of those highs.
/// </summary>
/// <remarks>
/// The fast search is exact. Every text's distinct n-grams (orders 1–4) get dense ids and posting lists. For a hypothesis,
/// candidates are visited level by level: first the texts sharing a 4-gram with it, then those sharing a 3-gram, then a
/// bigram, then a unigram. Each visited pair is scored exactly (clipped counts by merging the two sorted n-gram count
/// lists). After level k, every unvisited text shares no k-gram, so its BLEU is at most
/// <see cref="Bleu.BoundWithoutOrder"/>(k) (m_n ≤ d_n below k, m_n = 0 from k, the largest possible brevity penalty);
/// once the best score so far reaches that bound the search stops. Texts sharing no unigram score exactly 0.
/// </remarks>
public static class SelfBleu
{
    /// <exception cref="ArgumentException">Fewer than two texts, or an empty text.</exception>
    public static BleuHighestResult Compute(IReadOnlyList<int[]> texts, BleuSmoothing smoothing = BleuSmoothing.None)
    {
        Validate(texts);
        var corpus = new TextNGramTable(texts);
        var count = texts.Count;
        var minLength = texts.Min(t => t.Length);
        var highest = new double[count];

        Parallel.For(0, count,
            () =>
            {
                var visited = new int[count];
                Array.Fill(visited, -1);
                return visited;
            },
            (i, _, visited) =>
            {
                highest[i] = Highest(corpus, i, minLength, smoothing, visited);
                return visited;
            },
            _ => { });

        return new BleuHighestResult(highest, MetricSummary.From(highest));
    }

    /// <summary>The test oracle: every ordered pair scored with <see cref="Bleu.Sentence(int[], ReadOnlySpan{int}, BleuSmoothing)"/>.</summary>
    /// <param name="hypothesisIndices">Only these texts as hypotheses (all when null); used to time a subset.</param>
    public static double[] BruteForce(IReadOnlyList<int[]> texts, BleuSmoothing smoothing = BleuSmoothing.None,
        IReadOnlyList<int>? hypothesisIndices = null)
    {
        Validate(texts);
        var indices = hypothesisIndices ?? Enumerable.Range(0, texts.Count).ToArray();
        var highest = new double[indices.Count];
        for (var h = 0; h < indices.Count; h++)
        {
            var i = indices[h];
            var best = 0.0;
            for (var j = 0; j < texts.Count; j++)
            {
                if (j != i)
                {
                    best = Math.Max(best, Bleu.Sentence(texts[j], texts[i], smoothing));
                }
            }

            highest[h] = best;
        }

        return highest;
    }

    private static void Validate(IReadOnlyList<int[]> texts)
    {
        NGram.RequireNonEmpty(texts, nameof(texts));
        if (texts.Count < 2)
        {
            throw new ArgumentException("Self-BLEU needs at least two texts.", nameof(texts));
        }
    }

    private static double Highest(TextNGramTable corpus, int i, int minLength, BleuSmoothing smoothing, int[] visited)
    {
        var hypLength = corpus.Lengths[i];
        var maxPenalty = Bleu.BrevityPenalty(minLength, hypLength);
        var best = 0.0;
        Span<int> matches = stackalloc int[Bleu.MaxOrder];
        for (var order = Bleu.MaxOrder; order >= 1; order--)
        {
            foreach (var entry in corpus.Entries(i, order))
            {
                foreach (var j in corpus.Postings(order, entry.Id))
                {
                    if (j == i || visited[j] == i)
                    {
                        continue;
                    }

                    visited[j] = i;
                    for (var n = 1; n <= Bleu.MaxOrder; n++)
                    {
                        matches[n - 1] = TextNGramTable.ClippedMatches(corpus.Entries(i, n), corpus.Entries(j, n));
                    }

                    best = Math.Max(best, Bleu.FromCounts(matches, hypLength, corpus.Lengths[j], smoothing));
                }
            }

            if (best >= Bleu.BoundWithoutOrder(order, hypLength, maxPenalty, smoothing))
            {
                break;
            }
        }

        return best;
    }
}
