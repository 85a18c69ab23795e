using System.Globalization;
using System.Text.Json;
using Hyperfit.Generation;
using Hyperfit.IO;
using Hyperfit.Tokenization;

namespace Hyperfit.Evaluation;

/// <summary>
/// Reads the original texts a model scores instead of the generations (<c>evaluate --reference</c>, Table 3): one JSON
/// object per line, either a generations line (<see cref="GenerationsFile"/>'s format: context_ids + continuation_ids,
/// such as a run's prepared <c>reference.jsonl</c>), or <c>input_ids</c>, or <c>text</c> (tokenized like a context: BOS
/// in front when the tokenizer adds one).
/// </summary>
public static class ReferenceTexts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <exception cref="InvalidDataException">A malformed line, too short a text, ids outside the vocabulary, or no text.</exception>
    public static int[][] Read(string path, HfTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var texts = new List<int[]>();
        var lineNumber = 0;
        foreach (var line in Data.Utf8Lines.Read(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var where = string.Create(Inv, $"{path}:{lineNumber}");
            var ids = Parse(line, where, tokenizer);
            if (ids.Length < 2)
            {
                throw new InvalidDataException($"{where}: a reference text needs at least 2 tokens");
            }

            CheckIds(ids, tokenizer.VocabSize, where, "token ids", "the reference texts");
            texts.Add(ids);
        }

        return texts.Count > 0 ? [.. texts] : throw new InvalidDataException($"{path}: no reference texts");
    }

    /// <summary>Every id within the vocabulary; else one line naming the place, the field and the likely cause.</summary>
    internal static void CheckIds(int[] ids, int vocab, string where, string field, string what)
    {
        var bad = Array.FindIndex(ids, id => id < 0 || id >= vocab);
        if (bad >= 0)
        {
            throw new InvalidDataException(string.Create(Inv,
                $"{where}: {field} holds id {ids[bad]}, outside the tokenizer's vocabulary (0..{vocab - 1}); {what} were made with a different tokenizer"));
        }
    }

    private static int[] Parse(string line, string where, HfTokenizer tokenizer)
    {
        using (var probe = ParseObject(line, where))
        {
            if (probe.RootElement.TryGetProperty("context_ids", out _))
            {
                var generation = IO.StrictJson.Parse(line, where, GenerationJsonContext.Default.GenerationLine);
                return [.. generation.ContextIds, .. generation.ContinuationIds];
            }

            var root = probe.RootElement;
            if (root.TryGetProperty("input_ids", out var inputIds))
            {
                if (inputIds.ValueKind != JsonValueKind.Array || inputIds.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out _)))
                {
                    throw new InvalidDataException($"{where}: input_ids must be an array of integers");
                }

                return [.. inputIds.EnumerateArray().Select(e => e.GetInt32())];
            }

            if (root.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                return tokenizer.PrependBos(tokenizer.Encode(text.GetString()!, addSpecialTokens: false));
            }
        }

        throw new InvalidDataException($"{where}: expected context_ids + continuation_ids, input_ids or a string field 'text'");
    }

    private static JsonDocument ParseObject(string line, string where)
    {
        var document = StrictJson.Document(line, where);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new InvalidDataException($"{where}: expected a JSON object");
        }

        return document;
    }
}
