using System.Globalization;
using System.Text.Json;
using Parquet.Serialization;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>Reads the rows of a Hugging Face dataset export: Parquet (what the Hub serves) or JSONL (what
/// <c>Dataset.to_json</c> writes, one object per line).</summary>
internal static class HfExportReader
{
    public static bool IsExport(string path) =>
        Path.GetExtension(path) is var extension
        && (extension.Equals(".parquet", StringComparison.OrdinalIgnoreCase) || extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".json", StringComparison.OrdinalIgnoreCase) || extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase));

    /// <exception cref="InvalidDataException">An unreadable file or line; names it.</exception>
    public static IReadOnlyList<HfExportRow> Read(string path) =>
        Path.GetExtension(path).Equals(".parquet", StringComparison.OrdinalIgnoreCase) ? ReadParquet(path) : ReadJsonl(path);

    private static List<HfExportRow> ReadParquet(string path)
    {
        IList<Dictionary<string, object>> data;
        try
        {
            using var stream = File.OpenRead(path);
            data = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult().Data;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException
                                      or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{path}: not a readable Parquet file ({e.Message})", e);
        }

        var rows = new List<HfExportRow>(data.Count);
        for (var r = 0; r < data.Count; r++)
        {
            var values = data[r].ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
            rows.Add(new HfExportRow(string.Create(CultureInfo.InvariantCulture, $"{path}: row {r + 1}"), values));
        }

        return rows;
    }

    private static List<HfExportRow> ReadJsonl(string path)
    {
        var rows = new List<HfExportRow>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var where = string.Create(CultureInfo.InvariantCulture, $"{path}:{number}");
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{where}: invalid JSON ({e.Message})", e);
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{where}: expected a JSON object per line");
            }

            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                values[property.Name] = property.Value;
            }

            rows.Add(new HfExportRow(where, values));
        }

        return rows;
    }
}
