using System.Text.RegularExpressions;

namespace Hyperfit.Tokenization;

/// <summary>The result of <see cref="ByteLevelBpeTrainer.Train"/>: vocabulary in id order (the 256 byte symbols
/// first, in byte order, then one entry per new merge result), merges in rank order, and the special tokens
/// that follow the vocabulary as added tokens.</summary>
public sealed record ByteLevelBpeTrainingResult(IReadOnlyList<string> Vocab, IReadOnlyList<(string, string)> Merges, IReadOnlyList<string> SpecialTokens)
{
    /// <summary>Total ids: vocabulary plus special tokens.</summary>
    public int VocabSize => Vocab.Count + SpecialTokens.Count;

    /// <summary>Writes the result as a GPT-2-style tokenizer.json.</summary>
    public void WriteTokenizerJson(string path) => ByteLevelBpeTokenizerJson.Write(path, Vocab, Merges, SpecialTokens);
}

/// <summary>Deterministic byte-level BPE training: GPT-2 regex pre-tokenization, words counted, then repeatedly
/// the most frequent adjacent pair is merged (ties: the pair whose left then right token string is ordinally
/// smallest). Pair counts are updated incrementally, only in words that contain the merged pair.</summary>
public static class ByteLevelBpeTrainer
{
    // By code point, as the tokenizer that will use the result splits (CodePointRegex).
    private static readonly CodePointRegex Gpt2 = new(new Regex(ByteLevelAlphabet.Gpt2Pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled));

    /// <summary>Learns merges until the vocabulary (256 byte symbols + merge results + special tokens) reaches
    /// <paramref name="vocabSize"/>, or no pair occurs at least <paramref name="minFrequency"/> times.</summary>
    public static ByteLevelBpeTrainingResult Train(IEnumerable<string> texts, int vocabSize, IReadOnlyList<string> specialTokens, int minFrequency = 2)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(specialTokens);
        var targetTokens = vocabSize - specialTokens.Count;
        ArgumentOutOfRangeException.ThrowIfLessThan(targetTokens, 256, nameof(vocabSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(minFrequency, 1);

        var tokens = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ByteToChar((byte)b).ToString()).ToList();
        var tokenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            tokenIds[tokens[i]] = i;
        }

        // Count pre-tokenized words.
        var wordCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var (start, length) in Gpt2.Matches(text))
            {
                var w = ByteLevelAlphabet.Encode(text.Substring(start, length));
                wordCounts[w] = wordCounts.GetValueOrDefault(w) + 1;
            }
        }

        var words = wordCounts.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (Symbols: p.Key.Select(c => (int)ByteLevelAlphabet.CharToByte(c)!.Value).ToList(), Count: p.Value)).ToList();

        var pairCounts = new Dictionary<long, long>();
        var pairWords = new Dictionary<long, HashSet<int>>();
        static long Key(int a, int b) => ((long)a << 32) | (uint)b;
        var changed = new HashSet<long>();
        void AddPairs(int wordIndex, int sign)
        {
            var (symbols, count) = words[wordIndex];
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                var key = Key(symbols[i], symbols[i + 1]);
                pairCounts[key] = pairCounts.GetValueOrDefault(key) + (sign * count);
                changed.Add(key);
                if (sign > 0)
                {
                    if (!pairWords.TryGetValue(key, out var set))
                    {
                        pairWords[key] = set = [];
                    }

                    set.Add(wordIndex);
                }
            }
        }

        for (var i = 0; i < words.Count; i++)
        {
            AddPairs(i, +1);
        }

        // Max-heap on count, then ordinal (left, right) strings; stale entries are skipped when popped.
        var comparer = Comparer<(long Count, int A, int B)>.Create((x, y) =>
        {
            var c = y.Count.CompareTo(x.Count);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(tokens[x.A], tokens[y.A]);
            return c != 0 ? c : string.CompareOrdinal(tokens[x.B], tokens[y.B]);
        });
        var heap = new PriorityQueue<(long Count, int A, int B), (long Count, int A, int B)>(comparer);
        void PushChanged()
        {
            foreach (var key in changed)
            {
                var count = pairCounts.GetValueOrDefault(key);
                if (count > 0)
                {
                    var item = (count, (int)(key >> 32), (int)(key & 0xFFFFFFFF));
                    heap.Enqueue(item, item);
                }
            }

            changed.Clear();
        }

        PushChanged();
        var merges = new List<(string, string)>();
        while (tokens.Count < targetTokens && heap.TryDequeue(out var top, out _))
        {
            var key = Key(top.A, top.B);
            if (pairCounts.GetValueOrDefault(key) != top.Count)
            {
                continue;
            }

            if (top.Count < minFrequency)
            {
                break;
            }

            var merged = tokens[top.A] + tokens[top.B];
            if (!tokenIds.TryGetValue(merged, out var newId))
            {
                newId = tokens.Count;
                tokens.Add(merged);
                tokenIds[merged] = newId;
            }

            merges.Add((tokens[top.A], tokens[top.B]));
            foreach (var wordIndex in pairWords[key].Order().ToList())
            {
                var symbols = words[wordIndex].Symbols;
                if (!ContainsPair(symbols, top.A, top.B))
                {
                    continue;
                }

                AddPairs(wordIndex, -1);
                var rewritten = new List<int>(symbols.Count);
                for (var i = 0; i < symbols.Count; i++)
                {
                    if (i + 1 < symbols.Count && symbols[i] == top.A && symbols[i + 1] == top.B)
                    {
                        rewritten.Add(newId);
                        i++;
                    }
                    else
                    {
                        rewritten.Add(symbols[i]);
                    }
                }

                words[wordIndex] = (rewritten, words[wordIndex].Count);
                AddPairs(wordIndex, +1);
            }

            pairCounts.Remove(key);
            pairWords.Remove(key);
            changed.Remove(key);
            PushChanged();
        }

        return new ByteLevelBpeTrainingResult(tokens, merges, [.. specialTokens]);
    }

    private static bool ContainsPair(List<int> symbols, int a, int b)
    {
        for (var i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] == a && symbols[i + 1] == b)
            {
                return true;
            }
        }

        return false;
    }
}
