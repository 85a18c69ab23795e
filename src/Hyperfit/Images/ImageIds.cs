using System.Globalization;
using System.Text.Json;
using Hyperfit.Checkpoints;

namespace Hyperfit.Images;

/// <summary>Id sequences as JSONL, one <c>{"input_ids": [...]}</c> per line (the field transformers' processor returns).</summary>
public static class ImageIds
{
    public static void WriteJsonl(string path, IEnumerable<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var text = string.Concat(sequences.Select(s => JsonSerializer.Serialize(new ImageIdsLine(s), ImageJsonContext.Default.ImageIdsLine) + "\n"));
        HfModelSaver.WriteAtomically(path, text);
    }

    /// <exception cref="InvalidDataException">A line that is not such an object; names the file and line.</exception>
    public static IReadOnlyList<int[]> ReadJsonl(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: not found");
        }

        var result = new List<int[]>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var parsed = JsonSerializer.Deserialize(line, ImageJsonContext.Default.ImageIdsLine);
                result.Add(parsed?.InputIds ?? throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: line {number}: no input_ids")));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: line {number}: {e.Message.Split('\n')[0]}"), e);
            }
        }

        return result;
    }
}
