using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;

namespace Hyperfit.Training;

/// <summary>The run's JSON log: <c>{"config": {...}, "logs": [entry, ...]}</c>, rewritten atomically after each
/// entry so a reader (or a killed run) never sees half a file.</summary>
public sealed class TrainingLog
{
    public const string FileName = "training_log.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    private readonly List<TrainingLogEntry> _entries = [];

    public TrainingLog(JsonObject config) => Config = config;

    /// <summary>Echo of what produced the run: recipe, model, data.</summary>
    public JsonObject Config { get; }

    public IReadOnlyList<TrainingLogEntry> Entries => _entries;

    public void Add(TrainingLogEntry entry) => _entries.Add(entry);

    /// <summary>Replaces the entries (on resume, with the checkpoint's).</summary>
    public void Reset(IEnumerable<TrainingLogEntry> entries)
    {
        _entries.Clear();
        _entries.AddRange(entries);
    }

    public void Write(string path)
    {
        var json = new JsonObject
        {
            ["config"] = Config.DeepClone(),
            ["logs"] = JsonSerializer.SerializeToNode(_entries, Options),
        };
        HfModelSaver.WriteAtomically(path, json.ToJsonString(Options) + "\n");
    }

    /// <summary>The entries' JSON keys in order, as the serializer writes them (from <see cref="TrainingLogEntry"/>'s
    /// contract, so no other file spells a key).</summary>
    public static IReadOnlyList<string> Keys { get; } =
        [.. ((System.Text.Json.Serialization.Metadata.JsonTypeInfo<TrainingLogEntry>)Options.GetTypeInfo(typeof(TrainingLogEntry))).Properties.Select(p => p.Name)];

    /// <summary>The JSON key of one <see cref="TrainingLogEntry"/> property (<c>nameof(TrainingLogEntry.ValLoss)</c> → <c>val_loss</c>).</summary>
    public static string KeyOf(string propertyName) =>
        Options.GetTypeInfo(typeof(TrainingLogEntry)).Properties.Single(p => p.AttributeProvider is System.Reflection.MemberInfo m && m.Name == propertyName).Name;

    public static string Serialize(IReadOnlyList<TrainingLogEntry> entries) => JsonSerializer.Serialize(entries, Options);

    public static List<TrainingLogEntry> Deserialize(JsonNode? node) => node?.Deserialize<List<TrainingLogEntry>>(Options) ?? [];
}
