using System.Text;

namespace Hyperfit.Annotation;

/// <summary>
/// Turns a decoded text (a context or a continuation) into what an annotator reads: paragraphs at blank lines, line
/// breaks kept inside a paragraph, every character HTML-encoded. Decoding leftovers that are not text are dropped:
/// replacement characters where a cut went through a multi-byte character, and control characters.
/// </summary>
public static class ReadableText
{
    /// <summary>The paragraphs of a text, each a list of lines; empty paragraphs and trailing spaces dropped.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Paragraphs(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clean = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'))
        {
            if (c == '\n')
            {
                clean.Append('\n');
            }
            else if (c == '\t')
            {
                clean.Append(' ');
            }
            else if (!char.IsControl(c) && c != '\uFFFD')
            {
                clean.Append(c);
            }
        }

        var paragraphs = new List<IReadOnlyList<string>>();
        var lines = new List<string>();
        foreach (var raw in clean.ToString().Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.Trim().Length == 0)
            {
                Flush();
                continue;
            }

            lines.Add(lines.Count == 0 && paragraphs.Count == 0 ? line.TrimStart() : line);
        }

        Flush();
        return paragraphs;

        void Flush()
        {
            if (lines.Count > 0)
            {
                paragraphs.Add(lines);
                lines = [];
            }
        }
    }

    /// <summary>The text as HTML paragraphs (<c>&lt;p&gt;</c> with <c>&lt;br&gt;</c> between lines).
    /// <paramref name="leadingEllipsis"/> marks a text that continues another (a continuation), <paramref name="trailingEllipsis"/>
    /// one that is continued (the context).</summary>
    public static string Html(string text, bool leadingEllipsis = false, bool trailingEllipsis = false)
    {
        var paragraphs = Paragraphs(text);
        var html = new StringBuilder();
        if (paragraphs.Count == 0)
        {
            return "<p class=\"empty\">(empty)</p>";
        }

        for (var p = 0; p < paragraphs.Count; p++)
        {
            html.Append("<p>");
            if (p == 0 && leadingEllipsis)
            {
                html.Append("<span class=\"ellipsis\" aria-hidden=\"true\">…</span>");
            }

            for (var l = 0; l < paragraphs[p].Count; l++)
            {
                if (l > 0)
                {
                    html.Append("<br>");
                }

                html.Append(HtmlText.Encode(paragraphs[p][l]));
            }

            if (p == paragraphs.Count - 1 && trailingEllipsis)
            {
                html.Append("<span class=\"ellipsis\" aria-hidden=\"true\">…</span>");
            }

            html.Append("</p>");
        }

        return html.ToString();
    }
}
