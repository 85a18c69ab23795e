namespace Hyperfit.Evaluation;

/// <summary>
/// Exact n-gram keys for n = 1..4: the token ids are packed, 32 bits each, into a <see cref="UInt128"/>.
/// No hashing of the content is involved, so two n-grams of the same order have equal keys only if they are equal.
/// </summary>
internal static class NGram
{
    public const int MaxOrder = 4;

    public static UInt128 Key(ReadOnlySpan<int> tokens, int start, int n)
    {
        UInt128 key = 0;
        for (var k = 0; k < n; k++)
        {
            key = (key << 32) | (uint)tokens[start + k];
        }

        return key;
    }

    /// <summary>Number of n-grams in a sequence of <paramref name="length"/> tokens (0 when shorter than n).</summary>
    public static int CountIn(int length, int n) => Math.Max(0, length - n + 1);

    /// <summary>Counter of the n-grams of one order, like nltk's <c>Counter(ngrams(tokens, n))</c>.</summary>
    public static Dictionary<UInt128, int> Counts(ReadOnlySpan<int> tokens, int n)
    {
        if (n is < 1 or > MaxOrder)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"n-gram order must be 1..{MaxOrder}");
        }

        var counts = new Dictionary<UInt128, int>();
        for (var i = 0; i + n <= tokens.Length; i++)
        {
            var key = Key(tokens, i, n);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }

    internal static void RequireNonEmpty(ReadOnlySpan<int> tokens, string paramName)
    {
        if (tokens.IsEmpty)
        {
            throw new ArgumentException("The token sequence is empty.", paramName);
        }
    }

    internal static void RequireNonEmpty(IReadOnlyList<int[]> texts, string paramName)
    {
        ArgumentNullException.ThrowIfNull(texts, paramName);
        if (texts.Count == 0)
        {
            throw new ArgumentException("The collection of texts is empty.", paramName);
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null || texts[i].Length == 0)
            {
                throw new ArgumentException($"Text {i} is null or empty.", paramName);
            }
        }
    }
}
