using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hyperfit.Data.Brown;

/// <summary>Writes and reads the vendored JSONL files: one <c>{"id","genre","category","text"}</c> object per
/// line, in that field order, UTF-8 without BOM, <c>\n</c> line ends, so the bytes are reproducible.</summary>
public static class BrownJsonl
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>One record as one JSON line (without the line end).</summary>
    public static string Serialize(BrownRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", record.Id);
            writer.WriteString("genre", record.Genre);
            writer.WriteString("category", record.Category);
            writer.WriteString("text", record.Text);
            writer.WriteEndObject();
        }

        return Utf8NoBom.GetString(buffer.ToArray());
    }

    public static void Write(string path, IEnumerable<BrownRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var text = new StringBuilder();
        foreach (var record in records)
        {
            text.Append(Serialize(record)).Append('\n');
        }

        File.WriteAllText(path, text.ToString(), Utf8NoBom);
    }

    /// <exception cref="InvalidDataException">A line is not an object with the four string fields.</exception>
    public static IReadOnlyList<BrownRecord> Read(string path)
    {
        var records = new List<BrownRecord>();
        var number = 0;
        foreach (var line in File.ReadLines(path, Utf8NoBom))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                string Field(string name) => root.GetProperty(name).GetString()
                    ?? throw new InvalidDataException($"{path}:{number}: '{name}' is null");
                records.Add(new BrownRecord(Field("id"), Field("genre"), Field("category"), Field("text")));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}:{number}: not a Brown record: {e.Message}", e);
            }
        }

        return records;
    }
}
