using System.IO.Compression;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.IO.PyTorch;

/// <summary>
/// A PyTorch state-dict checkpoint as transformers writes it: <c>pytorch_model.bin</c>, or shards listed by
/// <c>pytorch_model.bin.index.json</c> (<c>{"weight_map": {tensor: file}}</c>). Each file is <c>torch.save</c>'s zip
/// archive (PyTorch ≥ 1.6): <c>&lt;prefix&gt;/data.pkl</c> (the pickled dict, read by <see cref="PickleReader"/>, which
/// executes nothing) and one entry per storage, <c>&lt;prefix&gt;/data/&lt;key&gt;</c>, little-endian. The older
/// non-zip format is refused with a one-line error saying how to convert it.
/// </summary>
public sealed class PyTorchCheckpoint : IDisposable
{
    public const string SingleFileName = "pytorch_model.bin";
    public const string IndexFileName = "pytorch_model.bin.index.json";

    private readonly Dictionary<string, (ZipArchive Zip, string Prefix)> _archives;
    private readonly Dictionary<string, PyTorchTensorInfo> _byName;

    private PyTorchCheckpoint(Dictionary<string, (ZipArchive, string)> archives, List<PyTorchTensorInfo> tensors)
    {
        _archives = archives;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>Every tensor, in file order.</summary>
    public IReadOnlyList<PyTorchTensorInfo> Tensors { get; }

    /// <summary>True when the folder holds <c>pytorch_model.bin</c> or its index.</summary>
    public static bool Exists(string modelDirectory) =>
        File.Exists(Path.Combine(modelDirectory, SingleFileName)) || File.Exists(Path.Combine(modelDirectory, IndexFileName));

    /// <exception cref="FileNotFoundException">Neither file exists.</exception>
    /// <exception cref="PyTorchFormatException">Not a PyTorch zip archive, a pickle that is not a dict of tensors, a
    /// storage type or entry that is missing, or an index that disagrees with its shards; names the file.</exception>
    public static PyTorchCheckpoint Open(string modelDirectory)
    {
        var single = Path.Combine(modelDirectory, SingleFileName);
        var index = Path.Combine(modelDirectory, IndexFileName);
        var archives = new Dictionary<string, (ZipArchive, string)>(StringComparer.Ordinal);
        var tensors = new List<PyTorchTensorInfo>();
        try
        {
            if (File.Exists(single))
            {
                tensors.AddRange(ReadFile(single, archives));
            }
            else if (File.Exists(index))
            {
                var weightMap = ReadWeightMap(index);
                foreach (var shard in weightMap.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
                {
                    var path = Path.Combine(modelDirectory, shard);
                    if (!File.Exists(path))
                    {
                        throw new PyTorchFormatException(index, $"weight_map names shard {shard}, which does not exist");
                    }

                    tensors.AddRange(ReadFile(path, archives));
                }

                var names = tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
                var duplicate = tensors.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null)
                {
                    throw new PyTorchFormatException(index, $"tensor '{duplicate.Key}' is stored in more than one shard");
                }

                foreach (var (name, file) in weightMap)
                {
                    var holder = tensors.FirstOrDefault(t => t.Name == name);
                    if (holder is null || Path.GetFileName(holder.FilePath) != file)
                    {
                        throw new PyTorchFormatException(index, $"weight_map puts tensor '{name}' in {file}, which does not hold it");
                    }
                }

                var unlisted = names.FirstOrDefault(n => !weightMap.ContainsKey(n));
                if (unlisted is not null)
                {
                    throw new PyTorchFormatException(index, $"tensor '{unlisted}' is in a shard but not in weight_map");
                }
            }
            else
            {
                throw new FileNotFoundException($"{modelDirectory}: neither {SingleFileName} nor {IndexFileName} exists", single);
            }

            return new PyTorchCheckpoint(archives, tensors);
        }
        catch
        {
            foreach (var (zip, _) in archives.Values)
            {
                zip.Dispose();
            }

            throw;
        }
    }

    public PyTorchTensorInfo GetTensor(string name) =>
        _byName.TryGetValue(name, out var info) ? info : throw new KeyNotFoundException($"tensor '{name}' is not in the checkpoint");

    /// <summary>Copies tensor <paramref name="name"/> into <paramref name="target"/> (same shape; any float dtype,
    /// converted as <c>Tensor.copy_</c> does). Reads its whole storage once.</summary>
    public void ReadInto(string name, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var info = GetTensor(name);
        var (zip, prefix) = _archives[info.FilePath];
        var entry = zip.GetEntry($"{prefix}/data/{info.StorageKey}")
                    ?? throw new PyTorchFormatException(info.FilePath, $"tensor '{name}': storage entry data/{info.StorageKey} is missing");
        using var scope = NewDisposeScope();
        var storage = empty(info.StorageElements, info.DType);
        var bytes = storage.bytes;
        if (entry.Length != bytes.Length)
        {
            throw new PyTorchFormatException(info.FilePath,
                $"tensor '{name}': storage data/{info.StorageKey} holds {entry.Length} bytes, its {info.StorageElements} {info.DType} elements need {bytes.Length}");
        }

        using (var stream = entry.Open())
        {
            stream.ReadExactly(bytes);
        }

        var view = storage.as_strided(info.Shape, info.Strides, info.StorageOffset);
        using var _ = no_grad();
        target.copy_(view);
    }

    private static List<PyTorchTensorInfo> ReadFile(string path, Dictionary<string, (ZipArchive, string)> archives)
    {
        CheckMagic(path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new PyTorchFormatException(path, $"not a readable zip archive ({e.Message})", e);
        }

        archives[path] = (zip, "");
        var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
                     ?? throw new PyTorchFormatException(path, "zip archive without <name>/data.pkl: not written by torch.save");
        var prefix = pickle.FullName[..^"/data.pkl".Length];
        archives[path] = (zip, prefix);
        byte[] data;
        using (var stream = pickle.Open())
        using (var memory = new MemoryStream())
        {
            stream.CopyTo(memory);
            data = memory.ToArray();
        }

        var root = PickleReader.Read(data, path);
        if (root is not PickleDict dict)
        {
            throw new PyTorchFormatException(path, "data.pkl does not hold a dict (a state dict was expected)");
        }

        var tensors = new List<PyTorchTensorInfo>(dict.Items.Count);
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name)
            {
                throw new PyTorchFormatException(path, "the state dict has a key that is not a string");
            }

            if (value is not PickleTensor t)
            {
                var what = value switch
                {
                    PickleCall call => $"a {call.Callable}",
                    null => "None",
                    _ => $"a {value.GetType().Name}",
                };
                throw new PyTorchFormatException(path, $"entry '{name}' is {what}, not a tensor");
            }

            var dtype = StorageDType(t.Storage.StorageType)
                        ?? throw new PyTorchFormatException(path, $"tensor '{name}': storage type {t.Storage.StorageType} is not supported");
            if (t.Shape.Length != t.Strides.Length || t.Shape.Any(s => s < 0) || t.Offset < 0)
            {
                throw new PyTorchFormatException(path, $"tensor '{name}': inconsistent size/stride/offset");
            }

            var last = t.Offset + t.Shape.Select((s, i) => s == 0 ? 0 : (s - 1) * t.Strides[i]).Sum();
            if (t.Shape.All(s => s > 0) && last >= t.Storage.Elements)
            {
                throw new PyTorchFormatException(path, $"tensor '{name}': its view reaches element {last} of a {t.Storage.Elements}-element storage");
            }

            tensors.Add(new PyTorchTensorInfo(name, dtype, t.Shape, t.Strides, t.Offset, t.Storage.Key, t.Storage.Elements, path));
        }

        return tensors;
    }

    private static void CheckMagic(string path)
    {
        Span<byte> head = stackalloc byte[4];
        int read;
        using (var f = File.OpenRead(path))
        {
            read = f.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        }

        if (read == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            return;
        }

        throw new PyTorchFormatException(path, read >= 2 && head[0] == 0x80 && head[1] == 0x02
            ? "legacy PyTorch format (torch.save before 1.6); re-save it with a current torch: torch.save(torch.load(f), f)"
            : "not a PyTorch archive (torch.save writes a zip file starting with 'PK')");
    }

    private static ScalarType? StorageDType(PickleGlobal type) => type.Module != "torch" ? null : type.Name switch
    {
        "FloatStorage" => ScalarType.Float32,
        "HalfStorage" => ScalarType.Float16,
        "BFloat16Storage" => ScalarType.BFloat16,
        "DoubleStorage" => ScalarType.Float64,
        "LongStorage" => ScalarType.Int64,
        "IntStorage" => ScalarType.Int32,
        "ShortStorage" => ScalarType.Int16,
        "CharStorage" => ScalarType.Int8,
        "ByteStorage" => ScalarType.Byte,
        "BoolStorage" => ScalarType.Bool,
        _ => null,
    };

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new PyTorchFormatException(indexPath, "no 'weight_map' object");
            }

            return map.EnumerateObject().ToDictionary(p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw new PyTorchFormatException(indexPath, $"weight_map['{p.Name}'] is not a file name"),
                StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new PyTorchFormatException(indexPath, $"invalid JSON ({e.Message})", e);
        }
    }

    public void Dispose()
    {
        foreach (var (zip, _) in _archives.Values)
        {
            zip.Dispose();
        }

        _archives.Clear();
    }
}
