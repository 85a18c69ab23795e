using System.Text.Json;

namespace Hyperfit.IO.Safetensors;

/// <summary>A model directory's weights: <c>model.safetensors</c>, or <c>model.safetensors.index.json</c>
/// plus the shards its <c>weight_map</c> names, cross-checked so that every tensor has exactly one home.</summary>
/// <remarks>Like transformers, a directory holding both layouts is read as the single file: that is also what
/// makes <see cref="SafetensorsWriter.WriteCheckpoint"/>'s replacement of one layout by the other safe.</remarks>
public sealed class SafetensorsCheckpoint : IDisposable
{
    private readonly List<SafetensorsFile> _files;
    private readonly Dictionary<string, (SafetensorsTensorInfo Info, SafetensorsFile File)> _byName;

    /// <summary>The file that defines the tensor set: the index, or model.safetensors. Named in lookup errors.</summary>
    private readonly string _definingFile;

    private SafetensorsCheckpoint(string definingFile, List<SafetensorsFile> files, Dictionary<string, (SafetensorsTensorInfo, SafetensorsFile)> byName)
    {
        _definingFile = definingFile;
        _files = files;
        _byName = byName;
        // Files in name order (= shard order), tensors in file order within each.
        Tensors = files.SelectMany(f => f.Tensors).ToList().AsReadOnly();
        Files = files.Select(f => f.FilePath).ToList().AsReadOnly();
    }

    /// <summary>All tensors, shard by shard, each shard's in data-offset order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>Paths of the tensor files (not the index), in shard order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Opens and cross-checks the checkpoint in <paramref name="modelDirectory"/>.</summary>
    /// <exception cref="FileNotFoundException">Neither <c>model.safetensors</c> nor the index exists.</exception>
    /// <exception cref="SafetensorsFormatException">A file is malformed or the index disagrees with the shards;
    /// the message names the file at fault and the tensor.</exception>
    public static SafetensorsCheckpoint Open(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        var single = Path.Combine(modelDirectory, SafetensorsWriter.SingleFileName);
        var index = Path.Combine(modelDirectory, SafetensorsWriter.IndexFileName);
        if (File.Exists(single))
        {
            var file = SafetensorsFile.Open(single);
            return new SafetensorsCheckpoint(single, [file], file.Tensors.ToDictionary(t => t.Name, t => (t, file), StringComparer.Ordinal));
        }

        if (!File.Exists(index))
        {
            throw new FileNotFoundException(
                $"{modelDirectory}: neither {SafetensorsWriter.SingleFileName} nor {SafetensorsWriter.IndexFileName} exists", single);
        }

        return OpenSharded(modelDirectory, index);
    }

    private static SafetensorsCheckpoint OpenSharded(string modelDirectory, string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        var shardNames = weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var files = new List<SafetensorsFile>(shardNames.Count);
        try
        {
            // First every shard, so that a tensor stored twice is reported as such whatever the index says.
            var byName = new Dictionary<string, (SafetensorsTensorInfo, SafetensorsFile)>(weightMap.Count, StringComparer.Ordinal);
            foreach (var shard in shardNames)
            {
                var shardPath = Path.Combine(modelDirectory, shard);
                if (!File.Exists(shardPath))
                {
                    var example = weightMap.First(kv => kv.Value == shard).Key;
                    throw new SafetensorsFormatException(indexPath, example, $"weight_map names shard {shard}, which does not exist");
                }

                var file = SafetensorsFile.Open(shardPath);
                files.Add(file);
                foreach (var t in file.Tensors)
                {
                    if (!byName.TryAdd(t.Name, (t, file)))
                    {
                        throw new SafetensorsFormatException(shardPath, t.Name,
                            $"also present in {Path.GetFileName(byName[t.Name].Item2.FilePath)}; a tensor must live in exactly one shard");
                    }
                }
            }

            // Then the index against the shards' contents, both ways.
            foreach (var (name, (_, file)) in byName)
            {
                var shard = Path.GetFileName(file.FilePath);
                if (!weightMap.TryGetValue(name, out var listed))
                {
                    throw new SafetensorsFormatException(indexPath, name, $"present in shard {shard} but not listed in weight_map");
                }

                if (listed != shard)
                {
                    throw new SafetensorsFormatException(indexPath, name, $"weight_map says {listed} but the tensor is in {shard}");
                }
            }

            // Every shard is open and every shard tensor is listed under its own shard; what remains is a
            // listed tensor that its shard lacks.
            if (byName.Count != weightMap.Count)
            {
                var (name, shard) = weightMap.First(kv => !byName.ContainsKey(kv.Key));
                throw new SafetensorsFormatException(indexPath, name, $"listed in weight_map under {shard}, but that shard has no such tensor");
            }

            return new SafetensorsCheckpoint(indexPath, files, byName);
        }
        catch
        {
            foreach (var f in files)
            {
                f.Dispose();
            }

            throw;
        }
    }

    /// <summary>Reads <c>weight_map</c> with the same duplicate-key strictness as tensor headers. Other keys
    /// (<c>metadata</c>: total_size, total_parameters, ...) are informative only and not checked: published
    /// indexes disagree on them, and loaders do not use them.</summary>
    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(indexPath);
        }
        catch (IOException e)
        {
            throw new SafetensorsFormatException(indexPath, null, $"cannot be read: {e.Message}", e);
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var sawWeightMap = false;
        string? current = null;
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SafetensorsFormatException(indexPath, null, "index is not a JSON object");
            }

            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                if (!keys.Add(key))
                {
                    throw new SafetensorsFormatException(indexPath, null, $"duplicate key \"{key}\"");
                }

                reader.Read();
                if (key != "weight_map")
                {
                    reader.Skip();
                    continue;
                }

                sawWeightMap = true;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new SafetensorsFormatException(indexPath, null, "\"weight_map\" must be an object mapping tensor names to shard file names");
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var tensor = reader.GetString()!;
                    current = tensor;
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new SafetensorsFormatException(indexPath, tensor, "weight_map value must be a shard file name (a string)");
                    }

                    var shard = reader.GetString()!;
                    // A bare file name: an index must not reach outside the model directory.
                    if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard.Contains('/', StringComparison.Ordinal)
                        || shard.Contains('\\', StringComparison.Ordinal) || shard is "." or "..")
                    {
                        throw new SafetensorsFormatException(indexPath, tensor, $"weight_map value \"{shard}\" is not a file name in the model directory");
                    }

                    if (!map.TryAdd(tensor, shard))
                    {
                        throw new SafetensorsFormatException(indexPath, tensor, "listed twice in weight_map");
                    }

                    current = null;
                }
            }

            if (reader.Read())
            {
                throw new SafetensorsFormatException(indexPath, null, "index has content after the JSON object");
            }
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(indexPath, current, $"index is not valid JSON: {e.Message}", e);
        }

        return sawWeightMap ? map : throw new SafetensorsFormatException(indexPath, null, "missing \"weight_map\"");
    }

    /// <summary>Whether the checkpoint has a tensor of that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks a tensor up by name.</summary>
    /// <exception cref="SafetensorsFormatException">No tensor has that name (names the index or model.safetensors).</exception>
    public SafetensorsTensorInfo GetTensor(string name) => Find(name).Info;

    /// <summary>The path of the file holding the tensor.</summary>
    /// <exception cref="SafetensorsFormatException">No tensor has that name (names the index or model.safetensors).</exception>
    public string FileOf(string name) => Find(name).File.FilePath;

    /// <summary>The tensor's bytes in place in its file's mapping; valid until <see cref="Dispose"/>.</summary>
    /// <exception cref="SafetensorsFormatException">No tensor has that name (names the index or model.safetensors).</exception>
    public ReadOnlySpan<byte> GetBytes(string name) => Find(name).File.GetBytes(name);

    private (SafetensorsTensorInfo Info, SafetensorsFile File) Find(string name) =>
        _byName.TryGetValue(name, out var found)
            ? found
            : throw new SafetensorsFormatException(_definingFile, name, "no such tensor in this checkpoint");

    /// <summary>Unmaps every file.</summary>
    public void Dispose()
    {
        foreach (var f in _files)
        {
            f.Dispose();
        }
    }
}
