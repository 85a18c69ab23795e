namespace Hyperfit.Data.Brown;

/// <summary>One Brown Corpus text (about 2,000 words), de-tagged.</summary>
/// <param name="Id">File name in the corpus, e.g. <c>ca01</c>.</param>
/// <param name="Genre">Genre letter, upper case: A–H, J–N, P, R.</param>
/// <param name="Category">Category name from <c>cats.txt</c>, e.g. <c>news</c>, <c>science_fiction</c>.</param>
/// <param name="Paragraphs">Plain-text paragraphs in corpus order (headlines are paragraphs of their own).</param>
public sealed record BrownDocument(string Id, char Genre, string Category, IReadOnlyList<string> Paragraphs)
{
    /// <summary>Paragraph separator in the written text.</summary>
    public const string ParagraphBreak = "\n\n";

    /// <summary>The whole text, paragraphs separated by a blank line.</summary>
    public string Text => string.Join(ParagraphBreak, Paragraphs);

    /// <summary>Whitespace-separated words of the whole text (punctuation attached to words is not counted).</summary>
    public int WordCount => Paragraphs.Sum(BrownText.CountWords);
}

/// <summary>One line of a vendored JSONL file.</summary>
/// <param name="Id">The text id (<c>ca01</c>) for whole texts, or <c>ca01-03</c> for the third chunk of a held-out text.</param>
public sealed record BrownRecord(string Id, string Genre, string Category, string Text)
{
    /// <summary>The corpus text this line comes from: the id up to any <c>-NN</c> chunk suffix.</summary>
    public string TextId => BrownText.TextIdOf(Id);

    public int WordCount => BrownText.CountWords(Text);
}

/// <summary>Small text helpers shared by the Brown data code.</summary>
public static class BrownText
{
    /// <summary>Number of whitespace-separated words.</summary>
    public static int CountWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }

        return count;
    }

    /// <summary>The text id of a record id: <c>ck05-03</c> → <c>ck05</c>, <c>ck05</c> → <c>ck05</c>.</summary>
    public static string TextIdOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? id : id[..dash];
    }
}
