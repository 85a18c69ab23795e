namespace Hyperfit.Evaluation;

/// <summary>A type-token ratio and what it was computed over.</summary>
/// <param name="Value">Unique tokens / tokens used, in (0, 1].</param>
/// <param name="TokensUsed">How many (trailing) tokens the ratio covers.</param>
/// <param name="ShorterThanWindow">True when the text had fewer tokens than the window, so all of them were used
/// and the value is not comparable with full-window values (TTR rises as length falls).</param>
public sealed record TtrResult(double Value, int TokensUsed, bool ShorterThanWindow);

/// <summary>One point of the TTR-versus-length curve (Figure 9 right).</summary>
/// <param name="Length">Generated length L; the ratio covers tokens [max(0, L − window), L).</param>
public sealed record TtrPoint(int Length, double Value, bool ShorterThanWindow);

/// <summary>
/// Type-token ratio, TTR = |unique tokens| / |tokens|, always over the last 96 tokens of a continuation
/// (§3 / Appendix A.1; Table 1 and Table 6 "128 TTR" / "256 TTR").
/// </summary>
public static class TypeTokenRatio
{
    /// <summary>The paper's window: the 96 last tokens.</summary>
    public const int DefaultWindow = 96;

    /// <summary>
    /// TTR of the last <paramref name="window"/> tokens. A text shorter than the window uses all its tokens and is
    /// flagged (<see cref="TtrResult.ShorterThanWindow"/>) rather than rejected.
    /// </summary>
    /// <exception cref="ArgumentException">The continuation is empty.</exception>
    public static TtrResult Compute(ReadOnlySpan<int> continuation, int window = DefaultWindow)
    {
        NGram.RequireNonEmpty(continuation, nameof(continuation));
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var used = Math.Min(window, continuation.Length);
        var tail = continuation[^used..];
        var unique = new HashSet<int>();
        foreach (var token in tail)
        {
            unique.Add(token);
        }

        return new TtrResult((double)unique.Count / used, used, continuation.Length < window);
    }

    /// <summary>
    /// Mean TTR over continuations (the tables' "TTR" column, a ratio in [0, 1]; the tables print it ×100).
    /// </summary>
    public static double Mean(IReadOnlyList<int[]> continuations, int window = DefaultWindow)
    {
        NGram.RequireNonEmpty(continuations, nameof(continuations));
        return continuations.Average(c => Compute(c, window).Value);
    }

    /// <summary>
    /// TTR of the <paramref name="window"/> most recent tokens as a function of generated length (Figure 9 right):
    /// for L = step, 2·step, … ≤ |continuation|, the TTR of tokens [max(0, L − window), L). Points with L &lt; window
    /// are flagged as shorter than the window.
    /// </summary>
    public static IReadOnlyList<TtrPoint> Curve(ReadOnlySpan<int> continuation, int window = DefaultWindow, int step = 1)
    {
        NGram.RequireNonEmpty(continuation, nameof(continuation));
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);

        // Slide a multiset over the prefix: O(|continuation|) overall.
        var counts = new Dictionary<int, int>();
        var points = new List<TtrPoint>();
        for (var end = 1; end <= continuation.Length; end++)
        {
            var added = continuation[end - 1];
            counts[added] = counts.GetValueOrDefault(added) + 1;
            if (end > window)
            {
                var removed = continuation[end - 1 - window];
                if (--counts[removed] == 0)
                {
                    counts.Remove(removed);
                }
            }

            if (end % step == 0)
            {
                var used = Math.Min(window, end);
                points.Add(new TtrPoint(end, (double)counts.Count / used, end < window));
            }
        }

        return points;
    }
}
