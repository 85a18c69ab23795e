using System.Globalization;
using System.Text.Json;

namespace Hyperfit.Evaluation;

/// <summary>Reads generation JSONL (<c>context_ids</c>, <c>continuation_ids</c>, optional <c>tokenizer</c> and <c>line</c>; other
/// fields ignored). Blank lines are skipped. Every problem is one <see cref="InvalidDataException"/> line naming the
/// file and line.</summary>
public static class GenerationRecordReader
{
    public static IReadOnlyList<GenerationRecord> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        var records = new List<GenerationRecord>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                records.Add(Parse(path, lineNumber, line));
            }
        }

        if (records.Count == 0)
        {
            throw new InvalidDataException($"{path}: no generations (the file has no non-empty line)");
        }

        return records;
    }

    /// <summary>An int array field, or null when absent; anything else is an error naming file and line.</summary>
    internal static int[]? IdsField(JsonElement root, string field, string where)
    {
        if (!root.TryGetProperty(field, out var ids))
        {
            return null;
        }

        if (ids.ValueKind != JsonValueKind.Array || ids.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out _)))
        {
            throw new InvalidDataException($"{where}: {field} must be an array of integers");
        }

        return [.. ids.EnumerateArray().Select(e => e.GetInt32())];
    }

    internal static JsonDocument ParseObject(string line, string where)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: not valid JSON ({FirstLine(e.Message)})", e);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new InvalidDataException($"{where}: expected a JSON object");
        }

        return document;
    }

    private static GenerationRecord Parse(string path, int lineNumber, string line)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}");
        using var document = ParseObject(line, where);
        var root = document.RootElement;
        var context = IdsField(root, "context_ids", where) ?? throw new InvalidDataException($"{where}: no field context_ids");
        var continuation = IdsField(root, "continuation_ids", where) ?? throw new InvalidDataException($"{where}: no field continuation_ids");
        if (continuation.Length == 0)
        {
            throw new InvalidDataException($"{where}: continuation_ids is empty");
        }

        string? tokenizer = null;
        if (root.TryGetProperty("tokenizer", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            tokenizer = t.ValueKind == JsonValueKind.String ? t.GetString() : throw new InvalidDataException($"{where}: tokenizer must be a string");
        }

        int? sourceLine = null;
        if (root.TryGetProperty("line", out var l) && l.ValueKind != JsonValueKind.Null)
        {
            sourceLine = l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) ? n : throw new InvalidDataException($"{where}: line must be an integer");
        }

        return new GenerationRecord(lineNumber, context, continuation, tokenizer) { SourceLine = sourceLine };
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
