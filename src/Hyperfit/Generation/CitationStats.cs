namespace Hyperfit.Generation;

/// <summary>What the citation blocker did for one generated text.</summary>
/// <param name="StepsInCitation">Steps at which the last n generated tokens occurred in the dataset.</param>
/// <param name="Fired">Steps at which at least one token was removed (the citation would have gone on into a new word).</param>
/// <param name="Fallbacks">Steps at which every token would have been removed, so nothing was (see docs/generation.md).</param>
public sealed record CitationStats(int StepsInCitation, int Fired, int Fallbacks)
{
    public static CitationStats None { get; } = new(0, 0, 0);
}
