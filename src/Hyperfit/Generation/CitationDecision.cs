namespace Hyperfit.Generation;

/// <summary>The citation blocker's verdict for one row at one step.</summary>
/// <param name="InCitation">The last n generated tokens occur contiguously in the dataset.</param>
/// <param name="Blocked">Token ids whose probability is set to zero (empty when nothing is removed).</param>
/// <param name="Fallback">Every token of the vocabulary would have been removed, so none was.</param>
public readonly record struct CitationDecision(bool InCitation, int[] Blocked, bool Fallback)
{
    public static CitationDecision Free { get; } = new(false, [], false);

    /// <summary>A step where at least one token was removed.</summary>
    public bool Fired => Blocked.Length > 0;
}
