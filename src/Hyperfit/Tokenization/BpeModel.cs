using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Hyperfit.Tokenization;

/// <summary>The BPE model of a Hugging Face tokenizer: vocabulary, ranked merges, unknown-token and byte-fallback
/// handling. Merging follows HF: repeatedly apply the lowest-ranked merge present, leftmost first on ties.</summary>
internal sealed class BpeModel
{
    // Hugging Face's BPE caches words shorter than 256 characters too; longer "words" (whitespace runs, long numbers
    // or code without spaces) are rare and would make one cache entry large.
    private const int MaxCachedWordLength = 256;
    private const int MaxCacheEntries = 200_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<long, (int Rank, int Id)> _merges;
    private readonly int? _unkId;
    private readonly bool _fuseUnk;
    private readonly int[]? _byteIds;
    private readonly bool _ignoreMerges;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, string? unkToken,
        bool fuseUnk, bool byteFallback, bool ignoreMerges, string file)
    {
        _vocab = vocab;
        _fuseUnk = fuseUnk;
        _ignoreMerges = ignoreMerges;
        if (unkToken is not null && vocab.TryGetValue(unkToken, out var unk))
        {
            _unkId = unk;
        }

        _merges = new Dictionary<long, (int, int)>(merges.Count, PairKeyComparer.Instance);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out var a))
            {
                throw new TokenizerLoadException($"{file}: merge #{rank} \"{left} {right}\" refers to unknown token '{left}'");
            }

            if (!vocab.TryGetValue(right, out var b))
            {
                throw new TokenizerLoadException($"{file}: merge #{rank} \"{left} {right}\" refers to unknown token '{right}'");
            }

            if (!vocab.TryGetValue(left + right, out var merged))
            {
                throw new TokenizerLoadException($"{file}: merge #{rank} \"{left} {right}\" produces '{left + right}', which is not in the vocabulary");
            }

            _merges.TryAdd(Key(a, b), (rank, merged));
        }

        if (byteFallback)
        {
            _byteIds = new int[256];
            for (var i = 0; i < 256; i++)
            {
                _byteIds[i] = vocab.TryGetValue(ByteFallbackToken((byte)i), out var id) ? id : -1;
            }
        }
    }

    public int? UnkId => _unkId;

    /// <summary>The byte-fallback token for a byte: &lt;0x41&gt; for 'A'.</summary>
    public static string ByteFallbackToken(byte b) => string.Create(CultureInfo.InvariantCulture, $"<0x{b:X2}>");

    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    /// <summary>long's own hash is (int)k ^ (int)(k &gt;&gt; 32), i.e. a ^ b for a pair key: every merge of a token with
    /// itself ("X X") hashes to 0 and ranks of nearby ids collide, which made encoding several times slower. A
    /// multiplicative (Fibonacci) hash spreads both halves over all bits.</summary>
    private sealed class PairKeyComparer : IEqualityComparer<long>
    {
        public static readonly PairKeyComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long key) => (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15)) >> 32);
    }

    /// <summary>Appends the ids of one pre-tokenized word.</summary>
    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0)
        {
            return;
        }

        if (_ignoreMerges && _vocab.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }

        if (word.Length <= MaxCachedWordLength && _cache.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }

        var ids = Merge(InitialSymbols(word));
        if (word.Length <= MaxCachedWordLength)
        {
            if (_cache.Count >= MaxCacheEntries)
            {
                _cache.Clear();
            }

            _cache.TryAdd(word, ids);
        }

        output.AddRange(ids);
    }

    private List<int> InitialSymbols(string word)
    {
        var symbols = new List<int>(word.Length);
        var previousWasUnk = false;
        for (var i = 0; i < word.Length;)
        {
            var length = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            var piece = word.Substring(i, length);
            i += length;
            if (_vocab.TryGetValue(piece, out var id))
            {
                symbols.Add(id);
                previousWasUnk = false;
                continue;
            }

            if (_byteIds is not null)
            {
                var bytes = Encoding.UTF8.GetBytes(piece);
                if (Array.TrueForAll(bytes, b => _byteIds[b] >= 0))
                {
                    foreach (var b in bytes)
                    {
                        symbols.Add(_byteIds[b]);
                    }

                    previousWasUnk = false;
                    continue;
                }
            }

            if (_unkId is not { } unk)
            {
                throw new ArgumentException(
                    $"character U+{char.ConvertToUtf32(piece, 0):X4} is not in the vocabulary and the tokenizer has no unknown token");
            }

            if (!(_fuseUnk && previousWasUnk))
            {
                symbols.Add(unk);
            }

            previousWasUnk = true;
        }

        return symbols;
    }

    private int[] Merge(List<int> symbols)
    {
        var count = symbols.Count;
        if (count < 2 || _merges.Count == 0)
        {
            return [.. symbols];
        }

        var ids = symbols.ToArray();
        var prev = new int[count];
        var next = new int[count];
        var alive = new bool[count];
        for (var i = 0; i < count; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
            alive[i] = true;
        }

        // Priority: lowest rank first, then leftmost position (as HF's Word::merge_all).
        var queue = new PriorityQueue<(int Pos, int Left, int Right), long>();
        void Offer(int pos)
        {
            var right = next[pos];
            if (right >= 0 && _merges.TryGetValue(Key(ids[pos], ids[right]), out var m))
            {
                queue.Enqueue((pos, ids[pos], ids[right]), ((long)m.Rank << 32) | (uint)pos);
            }
        }

        for (var i = 0; i + 1 < count; i++)
        {
            Offer(i);
        }

        while (queue.TryDequeue(out var top, out _))
        {
            var pos = top.Pos;
            var right = next[pos];
            if (!alive[pos] || right < 0 || ids[pos] != top.Left || ids[right] != top.Right)
            {
                continue;
            }

            ids[pos] = _merges[Key(top.Left, top.Right)].Id;
            alive[right] = false;
            next[pos] = next[right];
            if (next[pos] >= 0)
            {
                prev[next[pos]] = pos;
            }

            if (prev[pos] >= 0)
            {
                Offer(prev[pos]);
            }

            Offer(pos);
        }

        var result = new List<int>(count);
        for (var i = 0; i >= 0; i = next[i])
        {
            result.Add(ids[i]);
        }

        return [.. result];
    }
}
