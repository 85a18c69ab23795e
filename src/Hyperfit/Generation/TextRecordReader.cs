using System.Globalization;
using System.Text.Json;

namespace Hyperfit.Generation;

/// <summary>Reads contexts and citation datasets. A .txt file holds one record per non-empty line (the paper's
/// contexts are short snippets, so a line is the natural unit); a .jsonl file holds one JSON object per non-empty
/// line with the text in <c>text</c> (or another field) and, where allowed, pre-tokenized <c>input_ids</c>.
/// Errors are one line naming the file and line (<see cref="InvalidDataException"/>).</summary>
public static class TextRecordReader
{
    public static IReadOnlyList<TextRecord> Read(string path, string textField = "text", bool allowInputIds = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        var jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        var records = new List<TextRecord>();
        var lineNumber = 0;
        foreach (var line in Data.Utf8Lines.Read(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            records.Add(jsonl ? ParseJsonLine(path, lineNumber, line, textField, allowInputIds) : new TextRecord(lineNumber, line, null));
        }

        return records;
    }

    private static TextRecord ParseJsonLine(string path, int lineNumber, string line, string textField, bool allowInputIds)
    {
        string Where() => string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Where()}: not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{Where()}: expected a JSON object");
            }

            if (allowInputIds && root.TryGetProperty("input_ids", out var ids))
            {
                if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out _)))
                {
                    throw new InvalidDataException($"{Where()}: input_ids must be an array of integers");
                }

                return new TextRecord(lineNumber, null, [.. ids.EnumerateArray().Select(e => e.GetInt32())]);
            }

            if (!root.TryGetProperty(textField, out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{Where()}: no string field '{textField}'{(allowInputIds ? " or input_ids" : "")}");
            }

            return new TextRecord(lineNumber, text.GetString()!, null);
        }
    }
}
