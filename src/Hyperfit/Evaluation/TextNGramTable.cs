namespace Hyperfit.Evaluation;

/// <summary>An n-gram id with its count in one text.</summary>
internal readonly record struct NGramCount(int Id, int Count);

/// <summary>
/// Distinct n-grams of a set of texts, orders 1–4: dense ids per order, each text's (id, count) list sorted by id,
/// and per id the list of texts containing it.
/// </summary>
internal sealed class TextNGramTable
{
    private readonly NGramCount[][][] _entries; // [order-1][text] sorted by id
    private readonly int[][] _postingStart; // [order-1][id] .. [id+1]
    private readonly int[][] _postingTexts; // [order-1][…]

    public TextNGramTable(IReadOnlyList<int[]> texts)
    {
        Lengths = texts.Select(t => t.Length).ToArray();
        _entries = new NGramCount[Bleu.MaxOrder][][];
        _postingStart = new int[Bleu.MaxOrder][];
        _postingTexts = new int[Bleu.MaxOrder][];
        for (var n = 1; n <= Bleu.MaxOrder; n++)
        {
            var ids = new Dictionary<UInt128, int>();
            var perText = new NGramCount[texts.Count][];
            for (var t = 0; t < texts.Count; t++)
            {
                var counts = NGram.Counts(texts[t], n);
                var list = new NGramCount[counts.Count];
                var k = 0;
                foreach (var (key, c) in counts)
                {
                    if (!ids.TryGetValue(key, out var id))
                    {
                        id = ids.Count;
                        ids.Add(key, id);
                    }

                    list[k++] = new NGramCount(id, c);
                }

                Array.Sort(list, static (a, b) => a.Id.CompareTo(b.Id));
                perText[t] = list;
            }

            var start = new int[ids.Count + 1];
            foreach (var list in perText)
            {
                foreach (var e in list)
                {
                    start[e.Id + 1]++;
                }
            }

            for (var id = 0; id < ids.Count; id++)
            {
                start[id + 1] += start[id];
            }

            var fill = start[..^1];
            var postings = new int[start[^1]];
            for (var t = 0; t < perText.Length; t++)
            {
                foreach (var e in perText[t])
                {
                    postings[fill[e.Id]++] = t;
                }
            }

            _entries[n - 1] = perText;
            _postingStart[n - 1] = start;
            _postingTexts[n - 1] = postings;
        }
    }

    public int[] Lengths { get; }

    public ReadOnlySpan<NGramCount> Entries(int text, int n) => _entries[n - 1][text];

    public ReadOnlySpan<int> Postings(int n, int id)
    {
        var start = _postingStart[n - 1];
        return _postingTexts[n - 1].AsSpan(start[id], start[id + 1] - start[id]);
    }

    /// <summary>Σ_g min(count_a(g), count_b(g)) by merging two id-sorted lists (symmetric in a and b).</summary>
    public static int ClippedMatches(ReadOnlySpan<NGramCount> a, ReadOnlySpan<NGramCount> b)
    {
        int i = 0, j = 0, sum = 0;
        while (i < a.Length && j < b.Length)
        {
            var ia = a[i].Id;
            var ib = b[j].Id;
            if (ia == ib)
            {
                sum += Math.Min(a[i].Count, b[j].Count);
                i++;
                j++;
            }
            else if (ia < ib)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return sum;
    }
}
