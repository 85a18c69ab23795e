using System.Globalization;
using System.Text.Json;
using Hyperfit.IO;

namespace Hyperfit.Generation;

/// <summary>Reads a file of contexts (<c>generate --contexts</c>, a spec's <c>context_sets.*.file</c>). A .txt file holds
/// one context per non-empty line (the paper's contexts are short snippets, so a line is the natural unit); a .jsonl
/// (or .json, .ndjson) file one JSON object per non-empty line with the text in <c>text</c> (or another field). Not the
/// hyperfitting dataset's reader (<see cref="Data.DatasetReader"/>: documents separated by blank lines). Errors are
/// one line naming the file and line (<see cref="InvalidDataException"/>).</summary>
public static class ContextReader
{
    public static IReadOnlyList<ContextRecord> Read(string path, string textField = "text")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        var jsonl = Path.GetExtension(path).ToLowerInvariant() is ".jsonl" or ".json" or ".ndjson";
        var records = new List<ContextRecord>();
        var lineNumber = 0;
        foreach (var line in Data.Utf8Lines.Read(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            records.Add(jsonl ? ParseJsonLine(path, lineNumber, line, textField) : new ContextRecord(lineNumber, line));
        }

        return records;
    }

    private static ContextRecord ParseJsonLine(string path, int lineNumber, string line, string textField)
    {
        string Where() => string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}");
        using (var document = StrictJson.Document(line, Where()))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{Where()}: expected a JSON object");
            }

            return root.TryGetProperty(textField, out var text) && text.ValueKind == JsonValueKind.String
                ? new ContextRecord(lineNumber, text.GetString()!)
                : throw new InvalidDataException($"{Where()}: no string field '{textField}'");
        }
    }
}
