using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Hyperfit.Tokenization;

/// <summary>A pre-tokenizer regex that sees code points, as Oniguruma (used by Hugging Face tokenizers) does, on top of
/// .NET's <see cref="Regex"/>, which sees UTF-16 code units: a character outside the BMP (emoji, mathematical
/// letters, CJK extension B) is two surrogates to .NET, neither a letter nor a number, so a class such as
/// <c>[^\r\n\p{L}\p{N}]?\p{L}+</c> matched one half and the split cut the character in two (different ids, and
/// lost text where a piece ended on a lone surrogate). Here each astral code point is replaced, for matching only,
/// by one BMP stand-in character of the same Unicode general category, so every category-based class, <c>.</c>,
/// <c>\s</c>, <c>\w</c> and <c>\p{…}</c> treats it as one character of the right kind; match positions are then
/// mapped back to the original text, which is never altered. Stand-ins come from U+A000 upwards (Yi and later
/// blocks), outside the explicit ranges real tokenizer patterns use (Latin, CJK, kana). A pattern that names
/// astral characters literally is not supported (none of the families' patterns does).</summary>
internal sealed class CodePointRegex
{
    private static readonly char[] StandIns = BuildStandIns();

    public CodePointRegex(Regex regex) => Regex = regex;

    public Regex Regex { get; }

    /// <summary>Non-empty matches as (start, length) in UTF-16 units of <paramref name="text"/>; never inside a
    /// surrogate pair.</summary>
    public List<(int Start, int Length)> Matches(string text)
    {
        var result = new List<(int, int)>();
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            for (var m = Regex.Match(text); m.Success; m = m.NextMatch())
            {
                if (m.Length > 0)
                {
                    result.Add((m.Index, m.Length));
                }
            }

            return result;
        }

        // Stand-in text: one char per code point; offsets[i] = position in the original of stand-in char i.
        var substituted = new StringBuilder(text.Length);
        var offsets = new int[text.Length + 1];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            offsets[n++] = i;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]));
                substituted.Append(StandIns[(int)category]);
                i++;
            }
            else
            {
                substituted.Append(text[i]);
            }
        }

        offsets[n] = text.Length;
        for (var m = Regex.Match(substituted.ToString()); m.Success; m = m.NextMatch())
        {
            if (m.Length > 0)
            {
                var start = offsets[m.Index];
                result.Add((start, offsets[m.Index + m.Length] - start));
            }
        }

        return result;
    }

    // One BMP character per general category, the first at or after U+A000 with that category (then from U+0100).
    private static char[] BuildStandIns()
    {
        var table = new char[32];
        var found = new bool[32];
        foreach (var (from, to) in new[] { (0xA000, 0xFFFD), (0x0100, 0x9FFF) })
        {
            for (var c = from; c <= to; c++)
            {
                if (c is >= 0xD800 and <= 0xDFFF)
                {
                    continue;
                }

                var category = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
                if (!found[category])
                {
                    found[category] = true;
                    table[category] = (char)c;
                }
            }
        }

        // Categories without a BMP member in the table's ranges (Surrogate only) keep U+FFFD, a symbol.
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = found[i] ? table[i] : '\uFFFD';
        }

        return table;
    }

    /// <summary>The stand-in used for a category (for tests).</summary>
    internal static char StandIn(UnicodeCategory category) => StandIns[(int)category];
}
