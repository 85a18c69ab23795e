namespace Hyperfit.Generation;

/// <summary>What a <see cref="GenerationJob"/> produced.</summary>
/// <param name="Lines">One line per context, in context order (what the JSONL file holds).</param>
/// <param name="Tokens">Tokens generated.</param>
/// <param name="Index">The citation index's size, when citations were blocked.</param>
public sealed record GenerationOutcome(IReadOnlyList<GenerationLine> Lines, long Tokens, TimeSpan Elapsed, CitationIndexSize? Index)
{
    public double TokensPerSecond => Tokens / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Texts in which the blocker removed a token at least once.</summary>
    public int TextsBlocked => Lines.Count(l => l.CitationBlocked > 0);

    public int BlockedSteps => Lines.Sum(l => l.CitationBlocked ?? 0);

    public int Fallbacks => Lines.Sum(l => l.CitationFallbacks ?? 0);
}

