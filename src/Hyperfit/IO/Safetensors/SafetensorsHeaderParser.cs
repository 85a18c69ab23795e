using System.Text.Json;
using System.Text.Unicode;

namespace Hyperfit.IO.Safetensors;

/// <summary>Parses and validates a safetensors JSON header with one forward pass of a
/// <see cref="Utf8JsonReader"/>: no DOM, so duplicate keys (which a DOM would silently collapse) are seen,
/// and the cost stays linear in the header size plus a sort of the tensors.</summary>
internal static class SafetensorsHeaderParser
{
    internal const string MetadataKey = "__metadata__";

    /// <summary>Validates <paramref name="header"/> against a data buffer of <paramref name="dataLength"/> bytes
    /// that starts at absolute file offset <paramref name="dataStart"/>.</summary>
    /// <returns>Metadata and tensors, the tensors ordered by data offset.</returns>
    internal static (Dictionary<string, string> Metadata, List<SafetensorsTensorInfo> Tensors) Parse(
        string filePath, ReadOnlySpan<byte> header, long dataStart, long dataLength)
    {
        // Checked up front so that a bad byte gets a clear message rather than a JSON position.
        if (!Utf8.IsValid(header))
        {
            throw new SafetensorsFormatException(filePath, null, "header is not valid UTF-8");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var tensors = new List<SafetensorsTensorInfo>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var sawMetadata = false;
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        string? current = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SafetensorsFormatException(filePath, null, "header is not a JSON object");
            }

            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var name = reader.GetString()!;
                current = name;
                reader.Read();
                if (name == MetadataKey)
                {
                    if (sawMetadata)
                    {
                        throw new SafetensorsFormatException(filePath, null, "duplicate key \"__metadata__\" in header");
                    }

                    sawMetadata = true;
                    current = null;
                    ParseMetadata(filePath, ref reader, metadata);
                    continue;
                }

                if (!names.Add(name))
                {
                    throw new SafetensorsFormatException(filePath, name, "duplicate tensor name in header");
                }

                tensors.Add(ParseTensor(filePath, name, ref reader, dataStart, dataLength));
                current = null;
            }

            // Only whitespace (the reference pads with spaces) may follow the object.
            if (reader.Read())
            {
                throw new SafetensorsFormatException(filePath, null, "header has content after the JSON object");
            }
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(filePath, current, $"header is not valid JSON: {e.Message}", e);
        }

        CheckCoverage(filePath, tensors, dataStart, dataLength);
        return (metadata, tensors);
    }

    /// <summary>Reads the next property name (or the end of the object).</summary>
    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("unexpected end of header");
        }

        return reader.TokenType;
    }

    private static void ParseMetadata(string filePath, ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        // The reference reads Option<HashMap<String, String>>: null means "no metadata".
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafetensorsFormatException(filePath, null, "\"__metadata__\" must be an object of string values");
        }

        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new SafetensorsFormatException(filePath, null,
                    $"\"__metadata__\" must be an object of string values; \"{key}\" is a {Describe(reader.TokenType)}");
            }

            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw new SafetensorsFormatException(filePath, null, $"duplicate key \"{key}\" in \"__metadata__\"");
            }
        }
    }

    private static SafetensorsTensorInfo ParseTensor(string filePath, string name, ref Utf8JsonReader reader, long dataStart, long dataLength)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafetensorsFormatException(filePath, name, $"entry must be an object, not a {Describe(reader.TokenType)}");
        }

        SafetensorsDType? dtype = null;
        long[]? shape = null;
        (long Begin, long End)? offsets = null;
        HashSet<string>? otherKeys = null;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            switch (key)
            {
                case "dtype":
                    if (dtype is not null)
                    {
                        throw Duplicate(filePath, name, key);
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new SafetensorsFormatException(filePath, name, $"\"dtype\" must be a string, not a {Describe(reader.TokenType)}");
                    }

                    var dtypeName = reader.GetString()!;
                    dtype = SafetensorsDTypeExtensions.TryParseFileName(dtypeName, out var parsed)
                        ? parsed
                        : throw new SafetensorsFormatException(filePath, name, $"unknown dtype \"{dtypeName}\"");
                    break;
                case "shape":
                    if (shape is not null)
                    {
                        throw Duplicate(filePath, name, key);
                    }

                    shape = ReadShape(filePath, name, ref reader);
                    break;
                case "data_offsets":
                    if (offsets is not null)
                    {
                        throw Duplicate(filePath, name, key);
                    }

                    offsets = ReadOffsets(filePath, name, ref reader);
                    break;
                default:
                    // The reference ignores fields it does not know; so do we, but a repeated one is still malformed.
                    if (!(otherKeys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key))
                    {
                        throw Duplicate(filePath, name, key);
                    }

                    reader.Skip();
                    break;
            }
        }

        if (dtype is not { } dt)
        {
            throw new SafetensorsFormatException(filePath, name, "missing \"dtype\"");
        }

        if (shape is null)
        {
            throw new SafetensorsFormatException(filePath, name, "missing \"shape\"");
        }

        if (offsets is not var (begin, end))
        {
            throw new SafetensorsFormatException(filePath, name, "missing \"data_offsets\"");
        }

        if (begin > end)
        {
            throw new SafetensorsFormatException(filePath, name, $"data_offsets begin {begin} is greater than end {end}");
        }

        if (end > dataLength)
        {
            throw new SafetensorsFormatException(filePath, name, $"data_offsets end {end} is beyond the data buffer ({dataLength} bytes)");
        }

        long expected;
        try
        {
            expected = dt.ElementSize();
            foreach (var dim in shape)
            {
                expected = checked(expected * dim);
            }
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(filePath, name, $"shape {FormatShape(shape)} is too large (byte count overflows)");
        }

        if (expected != end - begin)
        {
            throw new SafetensorsFormatException(filePath, name,
                $"shape {FormatShape(shape)} of {dt.ToFileName()} needs {expected} bytes but data_offsets [{begin}, {end}] cover {end - begin}");
        }

        return new SafetensorsTensorInfo(name, dt, shape, dataStart + begin, end - begin);
    }

    private static long[] ReadShape(string filePath, string name, ref Utf8JsonReader reader)
    {
        const string Expected = "\"shape\" must be an array of non-negative integers";
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new SafetensorsFormatException(filePath, name, $"{Expected}, not a {Describe(reader.TokenType)}");
        }

        var dims = new List<long>(4);
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim))
            {
                throw new SafetensorsFormatException(filePath, name, Expected);
            }

            if (dim < 0)
            {
                throw new SafetensorsFormatException(filePath, name, $"negative dimension {dim} in shape");
            }

            dims.Add(dim);
        }

        return [.. dims];
    }

    private static (long, long) ReadOffsets(string filePath, string name, ref Utf8JsonReader reader)
    {
        const string Expected = "\"data_offsets\" must be an array of two non-negative integers [begin, end]";
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new SafetensorsFormatException(filePath, name, $"{Expected}, not a {Describe(reader.TokenType)}");
        }

        Span<long> values = stackalloc long[2];
        var count = 0;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (count == 2 || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0)
            {
                throw new SafetensorsFormatException(filePath, name, Expected);
            }

            values[count++] = value;
        }

        return count == 2 ? (values[0], values[1]) : throw new SafetensorsFormatException(filePath, name, Expected);
    }

    /// <summary>Sorts by offset and checks that the tensors tile the data buffer exactly, as the reference
    /// does: no overlap (two tensors sharing bytes would alias on load) and no hole (unaccounted bytes are
    /// either corruption or a writer bug).</summary>
    private static void CheckCoverage(string filePath, List<SafetensorsTensorInfo> tensors, long dataStart, long dataLength)
    {
        // Ties (zero-length tensors at one offset) are broken by name so the order is deterministic.
        tensors.Sort(static (a, b) =>
        {
            var c = a.DataOffset.CompareTo(b.DataOffset);
            if (c == 0)
            {
                c = a.ByteLength.CompareTo(b.ByteLength);
            }

            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });

        var position = 0L;
        SafetensorsTensorInfo? previous = null;
        foreach (var t in tensors)
        {
            var begin = t.DataOffset - dataStart;
            if (begin < position)
            {
                throw new SafetensorsFormatException(filePath, t.Name,
                    $"data_offsets [{begin}, {begin + t.ByteLength}] overlap tensor '{SafetensorsFormatException.OneLine(previous!.Name)}' [{previous.DataOffset - dataStart}, {position}]");
            }

            if (begin > position)
            {
                throw new SafetensorsFormatException(filePath, t.Name, previous is null
                    ? $"data_offsets begin {begin} leaves a hole: the data buffer starts at 0 and must be covered without gaps"
                    : $"data_offsets begin {begin} leaves a hole after tensor '{SafetensorsFormatException.OneLine(previous.Name)}', which ends at {position}");
            }

            position = begin + t.ByteLength;
            previous = t;
        }

        if (position != dataLength)
        {
            throw new SafetensorsFormatException(filePath, null,
                $"the data buffer has {dataLength} bytes but the tensors cover only {position}; {dataLength - position} trailing bytes belong to no tensor");
        }
    }

    private static SafetensorsFormatException Duplicate(string filePath, string name, string key) =>
        new(filePath, name, $"duplicate key \"{key}\"");

    internal static string FormatShape(long[] shape) => $"[{string.Join(", ", shape)}]";

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
