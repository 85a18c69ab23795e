using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Hyperfit.Tokenization;

/// <summary>An added token from tokenizer.json's added_tokens or tokenizer_config.json's added_tokens_decoder.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool LStrip, bool RStrip, bool SingleWord, bool Normalized);

/// <summary>The part of a tokenizer that turns plain text (no added tokens in it) into ids and ids back to text.</summary>
internal interface ITokenizerCore
{
    IReadOnlyDictionary<string, int> Vocabulary { get; }

    void EncodeText(string text, bool atTextStart, List<int> output);

    /// <summary>Text of ids (special ones already removed when the caller skips them); isSpecial tells which of
    /// the remaining ids are special tokens, for decoders whose spacing depends on it.</summary>
    string Decode(IReadOnlyList<int> ids, Func<int, string?> idToToken, Func<int, bool> isSpecial);
}

/// <summary>tokenizer.json (and vocab.json+merges.txt) pipeline: normalizer → pre-tokenizer → BPE; decoder chain.</summary>
internal sealed class BpePipelineCore(
    Dictionary<string, int> vocab,
    BpeModel model,
    Func<string, string>? normalizer,
    TokenizerJsonPipeline.PreTokenizer? preTokenizer,
    Func<List<string>, List<string>>? decoder) : ITokenizerCore
{
    public IReadOnlyDictionary<string, int> Vocabulary => vocab;

    public BpeModel Model => model;

    public void EncodeText(string text, bool atTextStart, List<int> output)
    {
        var normalized = normalizer is null ? text : normalizer(text);
        if (normalized.Length == 0)
        {
            return;
        }

        List<string> pieces = [normalized];
        if (preTokenizer is not null)
        {
            pieces = preTokenizer(pieces, atTextStart);
        }

        foreach (var piece in pieces)
        {
            model.Encode(piece, output);
        }
    }

    public string Decode(IReadOnlyList<int> ids, Func<int, string?> idToToken, Func<int, bool> isSpecial)
    {
        var tokens = ids.Select(id => idToToken(id) ?? "").ToList();
        return decoder is null ? string.Join(' ', tokens) : string.Concat(decoder(tokens));
    }
}

/// <summary>tokenizer.model of a BPE SentencePiece model (<see cref="SentencePieceModel"/>), encoded as sentencepiece
/// does and decoded as transformers' <c>LlamaTokenizer</c> does with its defaults (legacy=True, add_prefix_space=True):
/// the first token loses its leading ▁; a special token is written as itself, preceded by a space unless it is the
/// first token or follows another special token; the token after a leading special token gets a space unless it
/// starts with ▁; runs of ordinary tokens go through sentencepiece's decode.</summary>
internal sealed class SentencePieceBpeCore(SentencePieceModel model) : ITokenizerCore
{
    public IReadOnlyDictionary<string, int> Vocabulary => model.Vocabulary;

    public SentencePieceModel Model => model;

    public void EncodeText(string text, bool atTextStart, List<int> output) => model.Encode(text, output);

    public string Decode(IReadOnlyList<int> ids, Func<int, string?> idToToken, Func<int, bool> isSpecial)
    {
        if (ids.Count == 0)
        {
            return "";
        }

        // LlamaTokenizer.convert_tokens_to_string (transformers 4.47), with legacy and add_prefix_space true.
        var tokens = ids.Select(id => idToToken(id) ?? "").ToArray();
        if (tokens[0].StartsWith('▁'))
        {
            tokens[0] = tokens[0][1..];
        }

        var output = new System.Text.StringBuilder();
        var run = new List<string>();
        var previousSpecial = false;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (isSpecial(ids[i]))
            {
                if (!previousSpecial && i != 0)
                {
                    output.Append(' ');
                }

                output.Append(model.DecodePieces(run)).Append(tokens[i]);
                run.Clear();
                previousSpecial = true;
            }
            else
            {
                if (previousSpecial && i == 1 && !tokens[i].StartsWith('▁'))
                {
                    output.Append(' ');
                }

                run.Add(tokens[i]);
                previousSpecial = false;
            }
        }

        return output.Append(model.DecodePieces(run)).ToString();
    }
}

/// <summary>tokenizer.model (SentencePiece protobuf) through Microsoft.ML.Tokenizers: the models
/// <see cref="SentencePieceModel"/> does not implement (Unigram, precompiled normalisation).</summary>
internal sealed class SentencePieceCore(SentencePieceTokenizer tokenizer) : ITokenizerCore
{
    public IReadOnlyDictionary<string, int> Vocabulary { get; } = tokenizer.Vocabulary;

    public SentencePieceTokenizer Tokenizer => tokenizer;

    public void EncodeText(string text, bool atTextStart, List<int> output) =>
        output.AddRange(tokenizer.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false));

    public string Decode(IReadOnlyList<int> ids, Func<int, string?> idToToken, Func<int, bool> isSpecial)
    {
        var result = new System.Text.StringBuilder();
        var run = new List<int>();
        void Flush()
        {
            if (run.Count > 0)
            {
                result.Append(tokenizer.Decode(run, considerSpecialTokens: true));
                run.Clear();
            }
        }

        foreach (var id in ids)
        {
            if (id < Vocabulary.Count)
            {
                run.Add(id);
            }
            else
            {
                Flush();
                result.Append(idToToken(id));
            }
        }

        Flush();
        return result.ToString();
    }
}

/// <summary>JSON helpers that turn parse failures into one-line <see cref="TokenizerLoadException"/>s.</summary>
internal static class JsonFiles
{
    public static JsonDocument Parse(string path)
    {
        var name = Path.GetFileName(path);
        try
        {
            using var stream = File.OpenRead(path);
            var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new TokenizerLoadException($"{name}: invalid JSON: the top level is not an object");
            }

            return doc;
        }
        catch (JsonException ex)
        {
            throw new TokenizerLoadException($"{name}: invalid JSON: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
        catch (IOException ex)
        {
            throw new TokenizerLoadException($"{name}: cannot be read: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
    }

    public static JsonDocument? ParseOptional(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) ? Parse(path) : null;
    }

    public static bool? OptionalBool(JsonElement? e, string name) =>
        e is { } o && o.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    /// <summary>A token written as a string or as {"content": ...}.</summary>
    public static string? TokenContent(JsonElement? e, string name)
    {
        if (e is not { } o || !o.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object when v.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
            _ => null,
        };
    }

    /// <summary>An int, or a list of ints (eos_token_id in generation_config.json).</summary>
    public static List<int> IntOrList(JsonElement? e, string name, string file)
    {
        if (e is not { } o || !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        try
        {
            return v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetInt32()).ToList() : [v.GetInt32()];
        }
        catch (InvalidOperationException ex)
        {
            throw new TokenizerLoadException($"{file}: \"{name}\" is not an integer or a list of integers", ex);
        }
        catch (FormatException ex)
        {
            throw new TokenizerLoadException($"{file}: \"{name}\" is not an integer or a list of integers", ex);
        }
    }
}
