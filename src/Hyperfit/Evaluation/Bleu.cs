namespace Hyperfit.Evaluation;

/// <summary>
/// Sentence-level BLEU-4 over token ids, reproducing nltk's <c>sentence_bleu(references, hypothesis)</c>
/// with uniform weights (0.25, 0.25, 0.25, 0.25) and no auto re-weighting.
/// </summary>
/// <remarks>
/// <para>BLEU = BP · exp(Σ_{n=1..4} 0.25 · ln p_n), where</para>
/// <list type="bullet">
/// <item>p_n = m_n / d_n; m_n = Σ_g min(count_hyp(g), max_ref count_ref(g)) over the hypothesis n-grams g (clipped counts);
/// d_n = max(1, number of hypothesis n-grams).</item>
/// <item>If m_1 = 0 the score is exactly 0 (nltk returns 0 before smoothing).</item>
/// <item>A zero m_n (n ≥ 2) is smoothed: <see cref="BleuSmoothing.None"/> uses p_n = 2.2250738585072014E-308
/// (<c>sys.float_info.min</c>); <see cref="BleuSmoothing.Method1"/> uses p_n = 0.1 / d_n.</item>
/// <item>BP = 1 if c &gt; r, else exp(1 − r / c), with c the hypothesis length and r the reference length closest to c
/// (ties go to the shorter reference).</item>
/// </list>
/// </remarks>
public static class Bleu
{
    /// <summary>The BLEU order: BLEU-4.</summary>
    public const int MaxOrder = NGram.MaxOrder;

    /// <summary>Python's <c>sys.float_info.min</c>: the smallest positive normal double.</summary>
    public static readonly double FloatInfoMin = BitConverter.Int64BitsToDouble(0x0010000000000000L);

    private const double Weight = 0.25;
    private const double Method1Epsilon = 0.1;

    /// <summary>BLEU of <paramref name="hypothesis"/> against one reference.</summary>
    public static double Sentence(int[] reference, ReadOnlySpan<int> hypothesis, BleuSmoothing smoothing = BleuSmoothing.None)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return Sentence([reference], hypothesis, smoothing);
    }

    /// <summary>
    /// BLEU of <paramref name="hypothesis"/> against several references: a direct transcription of nltk's
    /// <c>modified_precision</c>, <c>closest_ref_length</c>, <c>brevity_penalty</c> and smoothing (also the test oracle
    /// of the fast Self-BLEU and Dataset-BLEU searches).
    /// </summary>
    /// <exception cref="ArgumentException">The hypothesis is empty, or there are no references.</exception>
    public static double Sentence(IReadOnlyList<int[]> references, ReadOnlySpan<int> hypothesis,
        BleuSmoothing smoothing = BleuSmoothing.None)
    {
        ArgumentNullException.ThrowIfNull(references);
        NGram.RequireNonEmpty(hypothesis, nameof(hypothesis));
        if (references.Count == 0)
        {
            throw new ArgumentException("At least one reference is needed.", nameof(references));
        }

        Span<int> matches = stackalloc int[MaxOrder];
        var referenceLengths = new int[references.Count];
        for (var r = 0; r < references.Count; r++)
        {
            ArgumentNullException.ThrowIfNull(references[r], nameof(references));
            referenceLengths[r] = references[r].Length;
        }

        for (var n = 1; n <= MaxOrder; n++)
        {
            var hypCounts = NGram.Counts(hypothesis, n);
            var maxRefCounts = new Dictionary<UInt128, int>();
            foreach (var reference in references)
            {
                var refCounts = NGram.Counts(reference, n);
                foreach (var key in hypCounts.Keys)
                {
                    maxRefCounts[key] = Math.Max(maxRefCounts.GetValueOrDefault(key), refCounts.GetValueOrDefault(key));
                }
            }

            var clipped = 0;
            foreach (var (key, count) in hypCounts)
            {
                clipped += Math.Min(count, maxRefCounts[key]);
            }

            matches[n - 1] = clipped;
        }

        return FromCounts(matches, hypothesis.Length, ClosestReferenceLength(referenceLengths, hypothesis.Length), smoothing);
    }

    /// <summary>nltk's <c>closest_ref_length</c>: the reference length nearest the hypothesis length, the shorter on ties.</summary>
    public static int ClosestReferenceLength(IReadOnlyList<int> referenceLengths, int hypothesisLength)
    {
        ArgumentNullException.ThrowIfNull(referenceLengths);
        if (referenceLengths.Count == 0)
        {
            throw new ArgumentException("At least one reference length is needed.", nameof(referenceLengths));
        }

        var best = referenceLengths[0];
        for (var i = 1; i < referenceLengths.Count; i++)
        {
            var candidate = referenceLengths[i];
            var dc = Math.Abs(candidate - hypothesisLength);
            var db = Math.Abs(best - hypothesisLength);
            if (dc < db || (dc == db && candidate < best))
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>nltk's <c>brevity_penalty</c>: 1 if c &gt; r, 0 if c = 0, else exp(1 − r/c).</summary>
    public static double BrevityPenalty(int closestReferenceLength, int hypothesisLength)
    {
        if (hypothesisLength > closestReferenceLength)
        {
            return 1.0;
        }

        return hypothesisLength == 0 ? 0.0 : Math.Exp(1.0 - ((double)closestReferenceLength / hypothesisLength));
    }

    /// <summary>Number of hypothesis n-grams as nltk's precision denominator: max(1, c − n + 1).</summary>
    public static int Denominator(int hypothesisLength, int n) => Math.Max(1, hypothesisLength - n + 1);

    /// <summary>
    /// BLEU from clipped match counts m_1..m_4 (see the type remarks). Monotone non-decreasing in every m_n and in BP,
    /// evaluated by one fixed sequence of IEEE operations, which is what makes the searches' upper-bound pruning exact.
    /// </summary>
    public static double FromCounts(ReadOnlySpan<int> matches, int hypothesisLength, int closestReferenceLength,
        BleuSmoothing smoothing = BleuSmoothing.None) =>
        FromCountsWithPenalty(matches, hypothesisLength, BrevityPenalty(closestReferenceLength, hypothesisLength), smoothing);

    internal static double FromCountsWithPenalty(ReadOnlySpan<int> matches, int hypothesisLength, double brevityPenalty,
        BleuSmoothing smoothing)
    {
        if (matches.Length != MaxOrder)
        {
            throw new ArgumentException($"Exactly {MaxOrder} match counts are needed.", nameof(matches));
        }

        if (matches[0] == 0)
        {
            return 0.0;
        }

        var logSum = 0.0;
        for (var n = 1; n <= MaxOrder; n++)
        {
            var d = Denominator(hypothesisLength, n);
            var m = matches[n - 1];
            double p;
            if (m != 0)
            {
                p = (double)m / d;
            }
            else
            {
                p = smoothing switch
                {
                    BleuSmoothing.None => FloatInfoMin,
                    BleuSmoothing.Method1 => Method1Epsilon / d,
                    _ => throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, null),
                };
            }

            logSum += Weight * Math.Log(p);
        }

        return brevityPenalty * Math.Exp(logSum);
    }

    /// <summary>
    /// An upper bound on the BLEU of any pair whose hypothesis has <paramref name="hypothesisLength"/> tokens, whose
    /// brevity penalty is at most <paramref name="maxBrevityPenalty"/>, and which shares no n-gram of order
    /// <paramref name="order"/> (hence none of higher order): m_n ≤ d_n below that order, m_n = 0 from it on.
    /// </summary>
    internal static double BoundWithoutOrder(int order, int hypothesisLength, double maxBrevityPenalty, BleuSmoothing smoothing)
    {
        Span<int> m = stackalloc int[MaxOrder];
        for (var n = 1; n <= MaxOrder; n++)
        {
            // Clipped matches never exceed the number of hypothesis n-grams (itself ≤ d_n).
            m[n - 1] = n < order ? NGram.CountIn(hypothesisLength, n) : 0;
        }

        return FromCountsWithPenalty(m, hypothesisLength, maxBrevityPenalty, smoothing);
    }
}
