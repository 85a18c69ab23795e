namespace Hyperfit.Generation;

/// <summary>The paper's citation blocker (§3, Appendix B.2), made precise (docs/generation.md):
/// <list type="number">
/// <item>The window is the last n <em>generated</em> tokens (§3: "the 5 most recently generated tokens"); context
/// tokens never count, so the blocker starts once n tokens have been generated.</item>
/// <item>If the window occurs contiguously in the hyperfitting dataset, the text is inside a citation.</item>
/// <item>The citation is blocked "as soon as the current word is completed": every token that follows the window
/// somewhere in the dataset <em>and starts a new word</em> gets probability zero. A follower that continues the
/// current word stays allowed, so a word is never cut in half; once it completes the word, the next window
/// is checked again.</item>
/// <item>Should every token of the vocabulary be removed (only possible with a tiny vocabulary), nothing is
/// removed and the step is counted as a fallback.</item>
/// </list>
/// The class is stateless; <see cref="TextGenerator"/> keeps the per-text counts (<see cref="CitationStats"/>).</summary>
public sealed class CitationBlocker
{
    private readonly CitationIndex _index;
    private readonly Func<int, bool> _startsWord;
    private readonly int _vocabSize;

    /// <param name="index">N-grams of the hyperfitting dataset.</param>
    /// <param name="startsWord">True when a token begins a new word (e.g. <c>HfTokenizer.StartsWord</c>).</param>
    /// <param name="vocabSize">The model's vocabulary size (for the fallback rule).</param>
    public CitationBlocker(CitationIndex index, Func<int, bool> startsWord, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(startsWord);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        _index = index;
        _startsWord = startsWord;
        _vocabSize = vocabSize;
    }

    public int N => _index.N;

    /// <summary>What to remove before the next token, given the tokens generated so far (context excluded).</summary>
    public CitationDecision Decide(ReadOnlySpan<int> generated)
    {
        if (generated.Length < _index.N)
        {
            return CitationDecision.Free;
        }

        var window = generated[^_index.N..];
        if (!_index.Contains(window))
        {
            return CitationDecision.Free;
        }

        var followers = _index.Followers(window);
        var blocked = new List<int>(followers.Length);
        foreach (var id in followers)
        {
            if (id >= 0 && id < _vocabSize && _startsWord(id))
            {
                blocked.Add(id);
            }
        }

        return blocked.Count >= _vocabSize
            ? new CitationDecision(true, [], true)
            : new CitationDecision(true, [.. blocked], false);
    }
}
