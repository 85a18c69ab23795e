using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hyperfit.IO.Safetensors;

/// <summary>Writes safetensors files and Hugging Face style (optionally sharded) checkpoints.</summary>
/// <remarks>
/// Output matches the reference writer byte for byte where the reference is deterministic: tensors ordered by
/// dtype (descending, in the reference's enum order) then name, contiguous offsets, compact JSON, header padded
/// with spaces to a multiple of 8 (so the data buffer starts 8-aligned). Only the order of metadata keys differs:
/// the reference uses hash order, we sort them so that equal inputs give equal files.
/// Tensor data is streamed to disk through <see cref="SafetensorsTensorToWrite.WriteData"/>; only the header
/// is built in memory.
/// </remarks>
public static partial class SafetensorsWriter
{
    /// <summary>Hugging Face's default <c>max_shard_size</c> ("5GB" = 5 × 10⁹ bytes).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    /// <summary>The single-file checkpoint name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The sharded checkpoint's index name.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes one safetensors file atomically: a temporary file in the same directory, flushed to disk,
    /// then renamed over <paramref name="path"/>; on any failure the target is untouched and the temporary
    /// file is removed.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="tensors">Tensors in any order (the file orders them as the reference does).</param>
    /// <param name="metadata"><c>__metadata__</c>; null means <c>{"format": "pt"}</c>, what
    /// <c>save_pretrained</c> writes and what transformers checks for when loading.</param>
    /// <exception cref="ArgumentException">Duplicate or reserved names, negative dimensions, unencodable names.</exception>
    /// <exception cref="InvalidOperationException">A <c>WriteData</c> wrote the wrong number of bytes.</exception>
    public static void Write(string path, IReadOnlyList<SafetensorsTensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var temp = WriteToTemp(path, ValidateAll(tensors), metadata);
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Saves a model directory the way <c>save_pretrained</c> does: one <c>model.safetensors</c> when
    /// everything fits in <paramref name="maxShardBytes"/>, otherwise <c>model-0000i-of-0000n.safetensors</c>
    /// shards, packed greedily in the given order as huggingface_hub does, plus <c>model.safetensors.index.json</c>.</summary>
    /// <remarks>New files are completed under temporary names before any is renamed into place, the index is
    /// written after its shards, and files of an earlier save (<c>model.safetensors</c>, old shards, old index)
    /// are removed only afterwards. A loader that prefers <c>model.safetensors</c> over the index (as
    /// transformers and <see cref="SafetensorsCheckpoint"/> do) therefore sees either the old or the new
    /// checkpoint, except when an old sharded save with the same shard count is overwritten and the process
    /// dies during the final renames.</remarks>
    /// <returns>The names (relative to <paramref name="modelDirectory"/>) of the files written, index last.</returns>
    public static IReadOnlyList<string> WriteCheckpoint(string modelDirectory, IReadOnlyList<SafetensorsTensorToWrite> tensors,
        long maxShardBytes = DefaultMaxShardBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxShardBytes);
        var all = ValidateAll(tensors);
        Directory.CreateDirectory(modelDirectory);
        var shards = PackShards(all, maxShardBytes);
        List<string> written;
        if (shards.Count <= 1)
        {
            var temp = WriteToTemp(Path.Combine(modelDirectory, SingleFileName), all, null);
            MoveAll([(temp, Path.Combine(modelDirectory, SingleFileName))]);
            written = [SingleFileName];
        }
        else
        {
            written = [];
            var moves = new List<(string Temp, string Final)>(shards.Count + 1);
            try
            {
                var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
                for (var i = 0; i < shards.Count; i++)
                {
                    var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
                    var final = Path.Combine(modelDirectory, name);
                    moves.Add((WriteToTemp(final, shards[i], null), final));
                    written.Add(name);
                    foreach (var t in shards[i])
                    {
                        weightMap.Add(t.Name, name);
                    }
                }

                var indexPath = Path.Combine(modelDirectory, IndexFileName);
                moves.Add((WriteIndexToTemp(indexPath, all.Sum(t => t.ByteLength), weightMap), indexPath));
                written.Add(IndexFileName);
            }
            catch
            {
                foreach (var (temp, _) in moves)
                {
                    TryDelete(temp);
                }

                throw;
            }

            // The index goes last: until it is renamed, an old model.safetensors or old index still rules.
            MoveAll(moves);
        }

        RemoveStale(modelDirectory, written);
        return written.AsReadOnly();
    }

    /// <summary>A tensor with its encoded name and byte size, in reference file order.</summary>
    private sealed record Planned(SafetensorsTensorToWrite Tensor, byte[] NameUtf8, long ByteLength)
    {
        public string Name => Tensor.Name;
    }

    /// <summary>Validates the tensors (names unique across the whole list), keeping the caller's order.</summary>
    private static List<Planned> ValidateAll(IReadOnlyList<SafetensorsTensorToWrite> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var planned = new List<Planned>(tensors.Count);
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            planned.Add(Validate(t, names, nameof(tensors)));
        }

        return planned;
    }

    /// <summary>The reference writer's order: <c>right.dtype().cmp(&amp;left.dtype()).then(lname.cmp(rname))</c>.
    /// Rust compares strings as UTF-8 bytes, which differs from UTF-16 ordinal order beyond the BMP.</summary>
    private static List<Planned> FileOrder(List<Planned> planned)
    {
        var sorted = new List<Planned>(planned);
        sorted.Sort(static (a, b) =>
        {
            var c = b.Tensor.DType.CompareTo(a.Tensor.DType);
            return c != 0 ? c : a.NameUtf8.AsSpan().SequenceCompareTo(b.NameUtf8);
        });
        return sorted;
    }

    private static Planned Validate(SafetensorsTensorToWrite t, HashSet<string> names, string paramName)
    {
        ArgumentNullException.ThrowIfNull(t.Name, nameof(SafetensorsTensorToWrite.Name));
        ArgumentNullException.ThrowIfNull(t.Shape, nameof(SafetensorsTensorToWrite.Shape));
        ArgumentNullException.ThrowIfNull(t.WriteData, nameof(SafetensorsTensorToWrite.WriteData));
        var label = $"tensor '{SafetensorsFormatException.OneLine(t.Name)}'";
        if (t.Name == SafetensorsHeaderParser.MetadataKey)
        {
            throw new ArgumentException($"{label}: the name is reserved for the metadata map", paramName);
        }

        if (!names.Add(t.Name))
        {
            throw new ArgumentException($"{label}: the name occurs twice", paramName);
        }

        if (!Enum.IsDefined(t.DType))
        {
            throw new ArgumentException($"{label}: {t.DType} is not a safetensors dtype", paramName);
        }

        byte[] nameUtf8;
        try
        {
            nameUtf8 = StrictUtf8.GetBytes(t.Name);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{label}: the name is not valid Unicode (lone surrogate)", paramName, e);
        }

        long bytes = t.DType.ElementSize();
        foreach (var dim in t.Shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"{label}: negative dimension {dim} in shape", paramName);
            }

            try
            {
                bytes = checked(bytes * dim);
            }
            catch (OverflowException e)
            {
                throw new ArgumentException($"{label}: shape {SafetensorsHeaderParser.FormatShape(t.Shape)} is too large", paramName, e);
            }
        }

        return new Planned(t, nameUtf8, bytes);
    }

    /// <summary>huggingface_hub's <c>split_state_dict_into_shards_factory</c>: walk the tensors in the given
    /// order; a tensor larger than the limit gets a shard of its own (placed before the shard being filled);
    /// otherwise start a new shard when the tensor would tip the current one over the limit.</summary>
    private static List<List<Planned>> PackShards(List<Planned> planned, long maxShardBytes)
    {
        var shards = new List<List<Planned>>();
        var current = new List<Planned>();
        var currentBytes = 0L;
        foreach (var p in planned)
        {
            if (p.ByteLength > maxShardBytes)
            {
                shards.Add([p]);
                continue;
            }

            if (currentBytes + p.ByteLength > maxShardBytes)
            {
                shards.Add(current);
                current = [];
                currentBytes = 0;
            }

            current.Add(p);
            currentBytes += p.ByteLength;
        }

        if (current.Count > 0)
        {
            shards.Add(current);
        }

        return shards;
    }

    private static string WriteToTemp(string path, List<Planned> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var plan = FileOrder(tensors);
        var header = BuildHeader(plan, metadata ?? new Dictionary<string, string> { ["format"] = "pt" });
        var full = Path.GetFullPath(path);
        // Same directory, so the final rename is atomic (never a cross-device copy). The .tmp suffix is git-ignored.
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                file.Write(prefix);
                file.Write(header);
                foreach (var p in plan)
                {
                    var data = new SafetensorsDataStream(file, p.Name, p.ByteLength);
                    p.Tensor.WriteData(data);
                    if (data.Written != p.ByteLength)
                    {
                        throw new InvalidOperationException(
                            $"tensor '{SafetensorsFormatException.OneLine(p.Name)}': WriteData wrote {data.Written} bytes but {p.Tensor.DType.ToFileName()} {SafetensorsHeaderParser.FormatShape(p.Tensor.Shape)} needs {p.ByteLength}");
                    }
                }

                // Durable before the rename, or a crash could leave a renamed but empty file.
                file.Flush(flushToDisk: true);
            }

            return temp;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The header exactly as serde_json writes the reference's: compact, <c>__metadata__</c> first,
    /// then the tensors in file order, then spaces up to a multiple of 8 bytes.</summary>
    private static byte[] BuildHeader(List<Planned> plan, IReadOnlyDictionary<string, string> metadata)
    {
        var json = new StringBuilder(64 + (plan.Count * 96));
        json.Append('{');
        var first = true;
        json.Append("\"__metadata__\":{");
        foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json.Append(first ? "" : ",");
            first = false;
            AppendString(json, key).Append(':');
            AppendString(json, value);
        }

        json.Append('}');
        var offset = 0L;
        foreach (var p in plan)
        {
            json.Append(',');
            AppendString(json, p.Name)
                .Append(":{\"dtype\":\"").Append(p.Tensor.DType.ToFileName()).Append("\",\"shape\":[")
                .AppendJoin(',', p.Tensor.Shape)
                .Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + p.ByteLength).Append("]}");
            offset += p.ByteLength;
        }

        json.Append('}');
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(json.ToString());
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("metadata is not valid Unicode (lone surrogate)", nameof(metadata), e);
        }

        var padded = (bytes.Length + 7) & ~7;
        if (padded == bytes.Length)
        {
            return bytes;
        }

        var result = new byte[padded];
        bytes.CopyTo(result, 0);
        result.AsSpan(bytes.Length).Fill((byte)' ');
        return result;
    }

    /// <summary>serde_json's string escaping: quote, backslash, and control characters only (short forms for
    /// \b \t \n \f \r, \u00xx with lowercase hex otherwise); everything else raw.</summary>
    private static StringBuilder AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\t': json.Append("\\t"); break;
                case '\n': json.Append("\\n"); break;
                case '\f': json.Append("\\f"); break;
                case '\r': json.Append("\\r"); break;
                case < ' ': json.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }

        return json.Append('"');
    }

    /// <summary>The index as transformers writes it (<c>json.dumps(index, indent=2, sort_keys=True) + "\n"</c>).</summary>
    private static string WriteIndexToTemp(string indexPath, long totalSize, SortedDictionary<string, string> weightMap)
    {
        var full = Path.GetFullPath(indexPath);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
                {
                    writer.WriteStartObject();
                    writer.WriteStartObject("metadata");
                    writer.WriteNumber("total_size", totalSize);
                    writer.WriteEndObject();
                    writer.WriteStartObject("weight_map");
                    foreach (var (tensor, shard) in weightMap)
                    {
                        writer.WriteString(tensor, shard);
                    }

                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                file.WriteByte((byte)'\n');
                file.Flush(flushToDisk: true);
            }

            return temp;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void MoveAll(List<(string Temp, string Final)> moves)
    {
        for (var i = 0; i < moves.Count; i++)
        {
            try
            {
                File.Move(moves[i].Temp, moves[i].Final, overwrite: true);
            }
            catch
            {
                for (var j = i; j < moves.Count; j++)
                {
                    TryDelete(moves[j].Temp);
                }

                throw;
            }
        }
    }

    /// <summary>Deletes checkpoint files of an earlier save that this save did not write. Only exact
    /// Hugging Face names are touched, never e.g. <c>model_fp16.safetensors</c> or other files.</summary>
    private static void RemoveStale(string modelDirectory, List<string> written)
    {
        foreach (var path in Directory.EnumerateFiles(modelDirectory))
        {
            var name = Path.GetFileName(path);
            if ((name == IndexFileName || CheckpointFileName().IsMatch(name)) && !written.Contains(name, StringComparer.Ordinal))
            {
                File.Delete(path);
            }
        }
    }

    [GeneratedRegex(@"^model(-\d{5}-of-\d{5})?\.safetensors$", RegexOptions.CultureInvariant)]
    private static partial Regex CheckpointFileName();

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original exception is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
