using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Training;

namespace Hyperfit.Reporting;

/// <summary>
/// Reads the entries of a run's <c>training_log.json</c> (written by <see cref="TrainingLog"/>):
/// <c>{"config": {...}, "logs": [{"train_loss", "update_counter", "epoch", "val_loss", "val_entropy", "val_ttr",
/// "val_gen_seqs"}, ...]}</c>. Every entry carries every key; <c>train_loss</c> is null on the entry logged before the
/// first update, and the <c>val_*</c> values are null when the run had no validation data (<c>val_ttr</c> also when
/// no continuation could be scored).
/// </summary>
public static class TrainingLogReader
{
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not JSON, or has no <c>logs</c> array.</exception>
    public static IReadOnlyList<TrainingLogEntry> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the log's JSON text; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<TrainingLogEntry> Parse(string json, string source = "training log")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}", e);
        }

        if (root is not JsonObject obj || obj["logs"] is not JsonArray logs)
        {
            throw new InvalidDataException($"{source} has no \"logs\" array.");
        }

        try
        {
            return TrainingLog.Deserialize(logs).Select(e => e with { ValGenSeqs = e.ValGenSeqs ?? [] }).ToList();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} has a malformed entry: {e.Message}", e);
        }
    }
}
