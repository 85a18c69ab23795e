using System.Globalization;
using System.Text.Json;
using Hyperfit.IO;
using Hyperfit.Tokenization;

namespace Hyperfit.Data;

/// <summary>
/// The one reader of "the hyperfitting dataset", whichever option names it (<c>train --data</c>, <c>generate
/// --block-citations</c>, <c>evaluate --dataset</c>, a spec's <c>hyperfit.data</c>), so that all of them see the same
/// documents and, through <see cref="Tokenize"/>, the same token ids. Formats by extension:
/// <list type="bullet">
/// <item>.txt: documents separated by blank lines (a document's lines joined with "\n");</item>
/// <item>.jsonl / .ndjson: one JSON object per line, the text in a string field (default <c>text</c>), or pre-tokenized
/// <c>input_ids</c> (integers, no special tokens);</item>
/// <item>.parquet: a string column (Hugging Face dataset exports).</item>
/// </list>
/// Any other extension is refused. Text must be UTF-8 (<see cref="Utf8Lines"/>). Contexts are read by
/// <see cref="Generation.ContextReader"/>, not here: a context file holds one context per line.
/// </summary>
public static class DatasetReader
{
    /// <summary>The extensions a dataset may have.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".txt", ".jsonl", ".ndjson", ".parquet"];

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">An unknown extension, or a malformed line (naming the file and line).</exception>
    public static IEnumerable<DatasetDocument> Read(string path, string textField = "text")
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(textField);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => ReadJsonl(path, textField),
            ".parquet" => ParquetDocuments.Read(path, textField).Select((text, row) => new DatasetDocument(
                string.Create(CultureInfo.InvariantCulture, $"{path} row {row + 1}"), text, null)),
            ".txt" => ReadText(path),
            var other => throw new InvalidDataException(
                $"{path}: a dataset must be {string.Join(", ", Extensions)} (got '{(other.Length == 0 ? "no extension" : other)}')"),
        };
    }

    /// <summary>The documents' texts (tokenizer training, which needs text): a document holding only ids is an error.</summary>
    public static IEnumerable<string> ReadTexts(string path, string textField = "text") =>
        Read(path, textField).Select(d => d.Text ?? throw new InvalidDataException($"{d.Where}: holds input_ids, but text is needed here"));

    /// <summary>
    /// Every document's token ids as the model sees its content: text encoded without special tokens, pre-tokenized
    /// ids as they are (checked against the vocabulary). One entry per document, in file order (empty documents
    /// included: a caller that samples documents counts them). Training adds the tokenizer's BOS/EOS around each
    /// (<see cref="HfTokenizer.AddSpecialTokens"/>); the citation index and the dataset metrics use them as they are.
    /// </summary>
    /// <exception cref="InvalidDataException">An id outside the tokenizer's vocabulary (the data was made by another tokenizer).</exception>
    public static IEnumerable<int[]> Tokenize(string path, string textField, HfTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        foreach (var document in Read(path, textField))
        {
            if (document.InputIds is { } ids)
            {
                var bad = Array.FindIndex(ids, id => id < 0 || id >= tokenizer.VocabSize);
                if (bad >= 0)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"{document.Where}: input_ids holds id {ids[bad]}, outside the tokenizer's vocabulary (0..{tokenizer.VocabSize - 1}); the dataset was made with a different tokenizer"));
                }

                yield return ids;
            }
            else
            {
                yield return [.. tokenizer.Encode(document.Text!, addSpecialTokens: false)];
            }
        }
    }

    private static IEnumerable<DatasetDocument> ReadText(string path)
    {
        var current = new List<string>();
        var start = 0;
        var number = 0;
        foreach (var line in Utf8Lines.Read(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                if (current.Count > 0)
                {
                    yield return new DatasetDocument(Where(path, start), string.Join("\n", current), null);
                    current.Clear();
                }

                continue;
            }

            if (current.Count == 0)
            {
                start = number;
            }

            current.Add(line);
        }

        if (current.Count > 0)
        {
            yield return new DatasetDocument(Where(path, start), string.Join("\n", current), null);
        }
    }

    private static IEnumerable<DatasetDocument> ReadJsonl(string path, string textField)
    {
        var number = 0;
        foreach (var line in Utf8Lines.Read(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var where = Where(path, number);
            using (var document = StrictJson.Document(line, where))
            {
                yield return Parse(document.RootElement, where, textField);
            }
        }
    }

    private static DatasetDocument Parse(JsonElement root, string where, string textField)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where}: expected a JSON object");
        }

        if (root.TryGetProperty(textField, out var text) && text.ValueKind == JsonValueKind.String)
        {
            return new DatasetDocument(where, text.GetString()!, null);
        }

        if (root.TryGetProperty("input_ids", out var ids))
        {
            if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out _)))
            {
                throw new InvalidDataException($"{where}: input_ids must be an array of integers");
            }

            return new DatasetDocument(where, null, [.. ids.EnumerateArray().Select(e => e.GetInt32())]);
        }

        throw new InvalidDataException($"{where}: no string field '{textField}' or input_ids");
    }

    private static string Where(string path, int line) => string.Create(CultureInfo.InvariantCulture, $"{path}:{line}");
}
