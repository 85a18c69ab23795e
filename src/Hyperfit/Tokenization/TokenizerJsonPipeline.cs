using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hyperfit.Tokenization;

/// <summary>The normalizer, pre-tokenizer and decoder stages of a tokenizer.json, built from its JSON.
/// Supported: normalizers Sequence, Prepend, Replace, NFC/NFD/NFKC/NFKD, Lowercase, ByteLevel; pre-tokenizers
/// Sequence, ByteLevel, Split, Metaspace, Digits; decoders Sequence, ByteLevel, Replace, ByteFallback, Fuse,
/// Strip, Metaspace. Anything else is rejected at load time with a one-line message.</summary>
internal static class TokenizerJsonPipeline
{
    /// <summary>Pre-tokenizer stage: splits pieces further. atTextStart is true for the segment at offset 0.</summary>
    public delegate List<string> PreTokenizer(List<string> pieces, bool atTextStart);

    public static string TypeOf(JsonElement e, string file, string what)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            throw new TokenizerLoadException($"{file}: {what} has no \"type\"");
        }

        return t.GetString()!;
    }

    private static bool Bool(JsonElement e, string name, bool fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement e, string name, int fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;

    /// <summary>A {"String": ...} or {"Regex": ...} pattern as a .NET regex.</summary>
    private static Regex Pattern(JsonElement e, string file, string what)
    {
        if (!e.TryGetProperty("pattern", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{file}: {what} has no \"pattern\"");
        }

        if (Str(p, "String") is { } literal)
        {
            return new Regex(Regex.Escape(literal), RegexOptions.CultureInvariant);
        }

        if (Str(p, "Regex") is { } regex)
        {
            try
            {
                return new Regex(regex, RegexOptions.CultureInvariant | RegexOptions.Compiled);
            }
            catch (ArgumentException ex)
            {
                throw new TokenizerLoadException($"{file}: {what} regex cannot be used by .NET: {ex.Message.ReplaceLineEndings(" ")}", ex);
            }
        }

        throw new TokenizerLoadException($"{file}: {what} pattern is neither String nor Regex");
    }

    // ---------------------------------------------------------------- normalizers

    public static Func<string, string>? Normalizer(JsonElement e, string file)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = TypeOf(e, file, "normalizer");
        switch (type)
        {
            case "Sequence":
                var steps = e.GetProperty("normalizers").EnumerateArray().Select(n => Normalizer(n, file)).OfType<Func<string, string>>().ToArray();
                return s =>
                {
                    foreach (var step in steps)
                    {
                        s = step(s);
                    }

                    return s;
                };
            case "Prepend":
                var prefix = Str(e, "prepend") ?? "";
                return s => s.Length == 0 ? s : prefix + s;
            case "Replace":
                var regex = Pattern(e, file, "Replace normalizer");
                var content = Str(e, "content") ?? "";
                return s => regex.Replace(s, content.Replace("$", "$$", StringComparison.Ordinal));
            case "NFC":
                return s => s.Normalize(NormalizationForm.FormC);
            case "NFD":
                return s => s.Normalize(NormalizationForm.FormD);
            case "NFKC":
                return s => s.Normalize(NormalizationForm.FormKC);
            case "NFKD":
                return s => s.Normalize(NormalizationForm.FormKD);
            case "Lowercase":
                return s => s.ToLowerInvariant();
            case "ByteLevel":
                return ByteLevelAlphabet.Encode;
            default:
                throw new TokenizerLoadException($"{file}: unsupported normalizer type '{type}'");
        }
    }

    // ---------------------------------------------------------------- pre-tokenizers

    public static PreTokenizer? PreTokenizerOf(JsonElement e, string file)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = TypeOf(e, file, "pre_tokenizer");
        switch (type)
        {
            case "Sequence":
                var steps = e.GetProperty("pretokenizers").EnumerateArray().Select(p => PreTokenizerOf(p, file)).OfType<PreTokenizer>().ToArray();
                return (pieces, atStart) =>
                {
                    foreach (var step in steps)
                    {
                        pieces = step(pieces, atStart);
                    }

                    return pieces;
                };
            case "ByteLevel":
                return ByteLevel(Bool(e, "add_prefix_space", true), Bool(e, "use_regex", true));
            case "Split":
                var regex = new CodePointRegex(Pattern(e, file, "Split pre-tokenizer"));
                var behavior = Str(e, "behavior") ?? "Isolated";
                if (behavior is not ("Isolated" or "Removed" or "MergedWithPrevious" or "MergedWithNext" or "Contiguous"))
                {
                    throw new TokenizerLoadException($"{file}: unsupported Split behavior '{behavior}'");
                }

                var invert = Bool(e, "invert", false);
                return (pieces, _) => pieces.SelectMany(p => Split(p, regex, behavior, invert)).ToList();
            case "Digits":
                var digits = new CodePointRegex(new Regex(Bool(e, "individual_digits", false) ? @"\p{Nd}" : @"\p{Nd}+", RegexOptions.CultureInvariant));
                return (pieces, _) => pieces.SelectMany(p => Split(p, digits, "Isolated", false)).ToList();
            case "Metaspace":
                return Metaspace(e);
            default:
                throw new TokenizerLoadException($"{file}: unsupported pre_tokenizer type '{type}'");
        }
    }

    private static readonly CodePointRegex Gpt2Regex = new(new Regex(ByteLevelAlphabet.Gpt2Pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled));

    /// <summary>ByteLevel: optional leading space per piece, optional GPT-2 regex split, then bytes → table chars.</summary>
    public static PreTokenizer ByteLevel(bool addPrefixSpace, bool useRegex) => (pieces, _) =>
    {
        var result = new List<string>(pieces.Count);
        foreach (var piece in pieces)
        {
            var p = addPrefixSpace && !piece.StartsWith(' ') ? " " + piece : piece;
            if (useRegex)
            {
                foreach (var part in Split(p, Gpt2Regex, "Isolated", false))
                {
                    result.Add(ByteLevelAlphabet.Encode(part));
                }
            }
            else if (p.Length > 0)
            {
                result.Add(ByteLevelAlphabet.Encode(p));
            }
        }

        return result;
    };

    private static PreTokenizer Metaspace(JsonElement e)
    {
        var replacement = Str(e, "replacement") is { Length: > 0 } r ? r : "▁";
        var scheme = Str(e, "prepend_scheme") ?? (Bool(e, "add_prefix_space", true) ? "always" : "never");
        var split = Bool(e, "split", true);
        var replacementRegex = new CodePointRegex(new Regex(Regex.Escape(replacement), RegexOptions.CultureInvariant));
        return (pieces, atStart) =>
        {
            var result = new List<string>();
            for (var i = 0; i < pieces.Count; i++)
            {
                var s = pieces[i].Replace(" ", replacement, StringComparison.Ordinal);
                var prepend = scheme == "always" || (scheme == "first" && atStart && i == 0);
                if (prepend && !s.StartsWith(replacement, StringComparison.Ordinal))
                {
                    s = replacement + s;
                }

                if (split)
                {
                    result.AddRange(Split(s, replacementRegex, "MergedWithNext", false));
                }
                else if (s.Length > 0)
                {
                    result.Add(s);
                }
            }

            return result;
        };
    }

    /// <summary>HF's split with a SplitDelimiterBehavior; empty pieces are dropped. Matching is by code point
    /// (<see cref="CodePointRegex"/>), so no piece ever splits a surrogate pair.</summary>
    public static List<string> Split(string text, CodePointRegex regex, string behavior, bool invert)
    {
        var spans = new List<(int Start, int End, bool IsMatch)>();
        var last = 0;
        foreach (var (index, length) in regex.Matches(text))
        {
            if (index > last)
            {
                spans.Add((last, index, invert));
            }

            spans.Add((index, index + length, !invert));
            last = index + length;
        }

        if (last < text.Length)
        {
            spans.Add((last, text.Length, invert));
        }

        var merged = new List<(int Start, int End)>();
        var previousMatch = false;
        foreach (var (start, end, isMatch) in spans)
        {
            switch (behavior)
            {
                case "Removed":
                    if (!isMatch)
                    {
                        merged.Add((start, end));
                    }

                    break;
                case "MergedWithPrevious":
                    if (isMatch && !previousMatch && merged.Count > 0)
                    {
                        merged[^1] = (merged[^1].Start, end);
                    }
                    else
                    {
                        merged.Add((start, end));
                    }

                    break;
                case "MergedWithNext":
                    if (!isMatch && previousMatch && merged.Count > 0)
                    {
                        merged[^1] = (merged[^1].Start, end);
                    }
                    else
                    {
                        merged.Add((start, end));
                    }

                    break;
                case "Contiguous":
                    if (isMatch && previousMatch && merged.Count > 0)
                    {
                        merged[^1] = (merged[^1].Start, end);
                    }
                    else
                    {
                        merged.Add((start, end));
                    }

                    break;
                default:
                    merged.Add((start, end));
                    break;
            }

            previousMatch = isMatch;
        }

        return merged.Select(s => text[s.Start..s.End]).ToList();
    }

    // ---------------------------------------------------------------- decoders

    public static Func<List<string>, List<string>>? Decoder(JsonElement e, string file)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var type = TypeOf(e, file, "decoder");
        switch (type)
        {
            case "Sequence":
                var steps = e.GetProperty("decoders").EnumerateArray().Select(d => Decoder(d, file)).OfType<Func<List<string>, List<string>>>().ToArray();
                return tokens =>
                {
                    foreach (var step in steps)
                    {
                        tokens = step(tokens);
                    }

                    return tokens;
                };
            case "ByteLevel":
                return ByteLevelDecode;
            case "Replace":
                var regex = Pattern(e, file, "Replace decoder");
                var content = (Str(e, "content") ?? "").Replace("$", "$$", StringComparison.Ordinal);
                return tokens => tokens.Select(t => regex.Replace(t, content)).ToList();
            case "ByteFallback":
                return ByteFallbackDecode;
            case "Fuse":
                return tokens => [string.Concat(tokens)];
            case "Strip":
                var strip = Str(e, "content") is { Length: 1 } c ? c[0] : ' ';
                var start = Int(e, "start", 0);
                var stop = Int(e, "stop", 0);
                return tokens => tokens.Select(t => StripToken(t, strip, start, stop)).ToList();
            case "Metaspace":
                var replacement = Str(e, "replacement") is { Length: > 0 } r ? r : "▁";
                var scheme = Str(e, "prepend_scheme") ?? (Bool(e, "add_prefix_space", true) ? "always" : "never");
                return tokens => tokens.Select((t, i) =>
                {
                    var s = t.Replace(replacement, " ", StringComparison.Ordinal);
                    return i == 0 && scheme != "never" && s.StartsWith(' ') ? s[1..] : s;
                }).ToList();
            default:
                throw new TokenizerLoadException($"{file}: unsupported decoder type '{type}'");
        }
    }

    /// <summary>ByteLevel decoder: each token's table characters back to bytes (tokens with characters outside
    /// the table contribute their own UTF-8), then one lossy UTF-8 decode.</summary>
    public static List<string> ByteLevelDecode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (var t in tokens)
        {
            bytes.AddRange(ByteLevelAlphabet.TryDecodeBytes(t) ?? Encoding.UTF8.GetBytes(t));
        }

        return [Encoding.UTF8.GetString([.. bytes])];
    }

    /// <summary>Parses &lt;0xNN&gt; into its byte.</summary>
    public static bool TryParseByteToken(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
               && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber,
                   System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>ByteFallback decoder: runs of &lt;0xNN&gt; tokens become their UTF-8 text, or one U+FFFD per byte
    /// when the run is not valid UTF-8.</summary>
    public static List<string> ByteFallbackDecode(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        void Flush()
        {
            if (pending.Count == 0)
            {
                return;
            }

            try
            {
                result.Add(StrictUtf8.GetString([.. pending]));
            }
            catch (DecoderFallbackException)
            {
                result.AddRange(Enumerable.Repeat("\uFFFD", pending.Count));
            }

            pending.Clear();
        }

        foreach (var t in tokens)
        {
            if (TryParseByteToken(t, out var b))
            {
                pending.Add(b);
            }
            else
            {
                Flush();
                result.Add(t);
            }
        }

        Flush();
        return result;
    }

    private static string StripToken(string t, char c, int start, int stop)
    {
        var from = 0;
        while (from < start && from < t.Length && t[from] == c)
        {
            from++;
        }

        var to = t.Length;
        while (t.Length - to < stop && to > from && t[to - 1] == c)
        {
            to--;
        }

        return t[from..to];
    }
}
