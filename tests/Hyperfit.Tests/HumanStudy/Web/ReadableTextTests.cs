using Hyperfit.Annotation;

namespace Hyperfit.Tests.HumanStudy.Web;

public sealed class ReadableTextTests
{
    [Fact]
    public void Should_SplitParagraphsAtBlankLines_AndKeepLineBreaksInside()
    {
        // Given a decoded text with CRLF, a blank line of spaces, a single line break and leading spaces
        const string text = "  The cat sat.\r\nIt slept.\n   \n\nA new day began.  \n";

        // Then two paragraphs, the first with two lines; outer spaces gone
        var paragraphs = ReadableText.Paragraphs(text);
        Assert.Equal(2, paragraphs.Count);
        Assert.Equal(["The cat sat.", "It slept."], paragraphs[0]);
        Assert.Equal(["A new day began."], paragraphs[1]);
        Assert.Equal("<p>The cat sat.<br>It slept.</p><p>A new day began.</p>", ReadableText.Html(text));
    }

    [Fact]
    public void Should_DropDecodingLeftovers_AndEncodeMarkup()
    {
        // Given a cut through a multi-byte character at both ends, control characters, a tab and markup in the text
        const string text = "\uFFFDbout <script>alert(1)</script> & \"quotes\"\u0007\tend\uFFFD";

        // Then no replacement or control character remains, the tab is a space, and the markup is text
        Assert.Equal("<p>bout &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; end</p>", ReadableText.Html(text));
    }

    [Fact]
    public void Should_KeepLettersOfEveryScriptReadable_AndMarkContinuations()
    {
        Assert.Equal("<p><span class=\"ellipsis\" aria-hidden=\"true\">…</span>Ça s’écrit ελληνικά</p>",
            ReadableText.Html("Ça s’écrit ελληνικά", leadingEllipsis: true));
        Assert.Equal("<p>one</p><p>two<span class=\"ellipsis\" aria-hidden=\"true\">…</span></p>", ReadableText.Html("one\n\ntwo", trailingEllipsis: true));
        Assert.Equal("<p class=\"empty\">(empty)</p>", ReadableText.Html(" \n\uFFFD\n "));
    }
}
