using System.Globalization;
using System.Text;
using System.Text.Json;
using Hyperfit.Checkpoints;

namespace Hyperfit.Generation;

/// <summary>The reader and writer of generations JSONL (<see cref="GenerationLine"/>, one JSON object per line; blank
/// lines skipped). Every problem is one <see cref="InvalidDataException"/> line naming the file and line.</summary>
public static class GenerationsFile
{
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Malformed line, unknown member, missing or empty ids, or no line at all.</exception>
    public static IReadOnlyList<GenerationLine> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found", path);
        }

        var records = new List<GenerationLine>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var where = string.Create(CultureInfo.InvariantCulture, $"{path}:{lineNumber}");
            var record = IO.StrictJson.Parse(line, where, GenerationJsonContext.Default.GenerationLine) with { FileLine = lineNumber };
            if (record.ContinuationIds.Length == 0)
            {
                throw new InvalidDataException($"{where}: continuation_ids is empty");
            }

            records.Add(record);
        }

        return records.Count > 0 ? records : throw new InvalidDataException($"{path}: no generations (the file has no non-empty line)");
    }

    /// <summary>Writes the lines atomically (temp file + rename), creating the folder.</summary>
    public static void Write(string path, IEnumerable<GenerationLine> lines)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(lines);
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(JsonSerializer.Serialize(line, GenerationJsonContext.Readable.GenerationLine)).Append('\n');
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        HfModelSaver.WriteAtomically(path, text.ToString());
    }
}
