namespace Hyperfit.Generation;

/// <summary>Every n-gram of the hyperfitting dataset (token ids) mapped to the set of tokens that follow it there.
/// Built once; a lookup is one hash-table probe. Exact: the table is keyed by the n-gram's content, so a hash
/// collision is resolved by comparing the ids and never yields a false match. N-grams do not cross the
/// boundary between two dataset sequences.</summary>
public sealed class CitationIndex
{
    /// <summary>§3: "the 5 most recently generated tokens".</summary>
    public const int DefaultNgram = 5;

    private readonly Dictionary<int[], int[]> _followers;
    private readonly Dictionary<int[], int[]>.AlternateLookup<ReadOnlySpan<int>> _lookup;

    public CitationIndex(IEnumerable<IReadOnlyList<int>> sequences, int n = DefaultNgram)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        N = n;
        var building = new Dictionary<int[], HashSet<int>>(IdSequenceComparer.Instance);
        var building2 = building.GetAlternateLookup<ReadOnlySpan<int>>();
        foreach (var sequence in sequences)
        {
            var ids = sequence as int[] ?? [.. sequence];
            SequenceCount++;
            TokenCount += ids.Length;
            // Every window of n tokens followed by a token; the final window has no follower but still
            // counts as a dataset n-gram (it exists "as a sequence in the training data").
            for (var start = 0; start + n <= ids.Length; start++)
            {
                var window = ids.AsSpan(start, n);
                if (!building2.TryGetValue(window, out var set))
                {
                    set = [];
                    building[window.ToArray()] = set;
                }

                if (start + n < ids.Length)
                {
                    set.Add(ids[start + n]);
                }
            }
        }

        _followers = new Dictionary<int[], int[]>(building.Count, IdSequenceComparer.Instance);
        foreach (var (key, set) in building)
        {
            var followers = set.ToArray();
            Array.Sort(followers);
            _followers[key] = followers;
        }

        _lookup = _followers.GetAlternateLookup<ReadOnlySpan<int>>();
    }

    /// <summary>The n-gram length.</summary>
    public int N { get; }

    /// <summary>Distinct n-grams stored.</summary>
    public int NgramCount => _followers.Count;

    public int SequenceCount { get; }

    public long TokenCount { get; }

    /// <summary>Whether <paramref name="ngram"/> (exactly n ids) occurs contiguously in the dataset.</summary>
    public bool Contains(ReadOnlySpan<int> ngram) => ngram.Length == N && _lookup.ContainsKey(ngram);

    /// <summary>The sorted ids that follow <paramref name="ngram"/> somewhere in the dataset; empty when the
    /// n-gram does not occur (or only at the end of a sequence).</summary>
    public ReadOnlySpan<int> Followers(ReadOnlySpan<int> ngram) =>
        ngram.Length == N && _lookup.TryGetValue(ngram, out var followers) ? followers : [];

    /// <summary>Compares id sequences by content; the hash mixes every id (64-bit FNV-style, folded to 32).</summary>
    private sealed class IdSequenceComparer : IEqualityComparer<int[]>, IAlternateEqualityComparer<ReadOnlySpan<int>, int[]>
    {
        public static readonly IdSequenceComparer Instance = new();

        public bool Equals(int[]? x, int[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(int[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<int> alternate, int[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<int> alternate) => Hash(alternate);

        public int[] Create(ReadOnlySpan<int> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<int> ids)
        {
            var h = 14695981039346656037UL;
            foreach (var id in ids)
            {
                h = (h ^ (uint)id) * 1099511628211UL;
            }

            return (int)(h ^ (h >> 32));
        }
    }
}
