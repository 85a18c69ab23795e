using System.Text.Json;

namespace Hyperfit.Data;

/// <summary>Reads documents from local files: plain text (documents separated by blank lines) or JSONL
/// (one JSON object per line, text in a configurable field) or Parquet (a string column of that name).</summary>
public static class DocumentReader
{
    /// <exception cref="InvalidDataException">A malformed line; the message names the file and line number.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IEnumerable<string> Read(string path, string textField = "text")
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => ReadJsonl(path, textField),
            ".parquet" => ParquetDocuments.Read(path, textField),
            _ => ReadText(path),
        };
    }

    private static IEnumerable<string> ReadText(string path)
    {
        var current = new List<string>();
        foreach (var line in Utf8Lines.Read(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                if (current.Count > 0)
                {
                    yield return string.Join("\n", current);
                    current.Clear();
                }

                continue;
            }

            current.Add(line);
        }

        if (current.Count > 0)
        {
            yield return string.Join("\n", current);
        }
    }

    private static IEnumerable<string> ReadJsonl(string path, string textField)
    {
        var number = 0;
        foreach (var line in Utf8Lines.Read(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string? text;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{path}:{number}: expected a JSON object");
                }

                text = doc.RootElement.TryGetProperty(textField, out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : throw new InvalidDataException($"{path}:{number}: no string field '{textField}'");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{number}: invalid JSON ({e.Message})", e);
            }

            yield return text!;
        }
    }
}
