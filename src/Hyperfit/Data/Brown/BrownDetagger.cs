using System.Text;

namespace Hyperfit.Data.Brown;

/// <summary>Turns the Brown Corpus's tagged tokens (<c>word/tag</c>) back into readable English.</summary>
/// <remarks>
/// Rules, applied to one paragraph's tokens at a time:
/// <list type="bullet">
/// <item>the tag is everything after the last <c>/</c> and is dropped;</item>
/// <item>a sentence-final <c>; ? ! :</c> that the corpus files repeat (<c>?/. ?/.</c>) is kept once;</item>
/// <item>an inch mark (<c>1/4''/nn</c>) becomes <c>1/4"</c> and the stray <c>''/''</c> token the files put after
/// each one is dropped;</item>
/// <item><c>``</c> and <c>''</c> become <c>"</c>; a lone <c>'</c> is an opening or closing single quote, decided
/// by its neighbours and, failing that, by alternation within the paragraph;</item>
/// <item>no space before <c>, . ; : ? ! ) ]</c> and closing quotes, no space after <c>( [</c> and opening
/// quotes; every other pair of tokens (including <c>--</c>) is separated by one space.</item>
/// </list>
/// </remarks>
public static class BrownDetagger
{
    private static readonly HashSet<string> Closers = new(StringComparer.Ordinal) { ",", ".", ";", ":", "?", "!", ")", "]", "''" };
    private static readonly HashSet<string> Openers = new(StringComparer.Ordinal) { "(", "[", "``" };
    private static readonly HashSet<string> Repeated = new(StringComparer.Ordinal) { ";", "?", "!", ":" };

    /// <summary>Splits <c>word/tag</c> at the last slash (words such as <c>1/2</c> contain slashes).</summary>
    /// <exception cref="FormatException">The token has no slash, or an empty word or tag.</exception>
    public static (string Word, string Tag) SplitToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var slash = token.LastIndexOf('/');
        if (slash <= 0 || slash == token.Length - 1)
        {
            throw new FormatException($"Brown token '{token}' is not of the form word/tag");
        }

        return (token[..slash], token[(slash + 1)..]);
    }

    /// <summary>True when every token of the line carries a headline tag (<c>-hl</c>).</summary>
    public static bool IsHeadline(IReadOnlyList<string> taggedTokens)
    {
        ArgumentNullException.ThrowIfNull(taggedTokens);
        return taggedTokens.Count > 0 && taggedTokens.All(t => SplitToken(t).Tag.Contains("-hl", StringComparison.Ordinal));
    }

    /// <summary>De-tags one paragraph's tokens into a single line of plain text.</summary>
    public static string Detag(IEnumerable<string> taggedTokens)
    {
        ArgumentNullException.ThrowIfNull(taggedTokens);
        var words = new List<string>();
        (string Word, string Tag)? previous = null;
        foreach (var token in taggedTokens)
        {
            var (word, tag) = SplitToken(token);
            if (previous is { } p && Repeated.Contains(word) && tag.StartsWith('.') && p.Word == word && p.Tag == tag)
            {
                continue;
            }

            if (word == "''" && previous is { } q && q.Word.Length > 2 && q.Word.EndsWith("''", StringComparison.Ordinal))
            {
                continue; // the files follow every inch mark (1/4''/nn) with a stray ''/'' token
            }

            words.Add(word.Length > 2 && word.EndsWith("''", StringComparison.Ordinal) ? word[..^2] + "\"" : word);
            previous = (word, tag);
        }

        return Join(words);
    }

    /// <summary>Joins untagged Brown words with English spacing and plain double quotes.</summary>
    public static string Join(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var text = new StringBuilder();
        var singleOpen = false;
        var glueNext = true; // nothing before the first word
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            bool opens, closes;
            if (word == "'")
            {
                var next = i + 1 < words.Count ? words[i + 1] : null;
                var prev = i > 0 ? words[i - 1] : null;
                // Closing before punctuation or at the end; opening at the start or after an opener; else alternate.
                closes = next is null || Closers.Contains(next) || next == "'" || (prev is not null && !Openers.Contains(prev) && singleOpen);
                opens = !closes;
                singleOpen = opens;
            }
            else
            {
                opens = Openers.Contains(word);
                closes = Closers.Contains(word);
            }

            if (!glueNext && !closes)
            {
                text.Append(' ');
            }

            text.Append(word switch { "``" or "''" => "\"", _ => word });
            glueNext = opens;
        }

        return text.ToString();
    }
}
