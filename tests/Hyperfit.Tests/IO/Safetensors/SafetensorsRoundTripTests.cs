using System.Buffers.Binary;
using System.Text;
using Hyperfit.IO.Safetensors;

namespace Hyperfit.Tests.IO.Safetensors;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly SafetensorsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly (string Name, SafetensorsDType DType, long[] Shape)[] Mixed =
    [
        ("model.layers.0.mlp.weight", SafetensorsDType.BF16, [3, 5]),
        ("b", SafetensorsDType.F32, [2]),
        ("a", SafetensorsDType.F32, [2, 1, 3]),
        ("scalar", SafetensorsDType.F64, []),
        ("empty", SafetensorsDType.I64, [0, 4]),
        ("flags", SafetensorsDType.BOOL, [7]),
        ("ids", SafetensorsDType.I32, [3]),
        ("half", SafetensorsDType.F16, [1, 3]),
        ("bytes", SafetensorsDType.U8, [5]),
        ("signed", SafetensorsDType.I8, [2]),
        ("short", SafetensorsDType.I16, [2]),
        ("ushort", SafetensorsDType.U16, [2]),
        ("uint", SafetensorsDType.U32, [1]),
        ("ulong", SafetensorsDType.U64, [2]),
    ];

    [Fact]
    public void Should_read_back_every_dtype_and_shape_byte_for_byte()
    {
        // Given tensors of every dtype, including a scalar and a zero-size tensor
        var data = Mixed.Select((t, i) => SafetensorsTestFiles.Bytes(t.DType, t.Shape, i)).ToArray();
        var path = _files.PathOf("mixed.safetensors");
        SafetensorsWriter.Write(path, Mixed.Select((t, i) => SafetensorsTestFiles.Tensor(t.Name, t.DType, t.Shape, data[i])).ToList());

        // When the file is opened
        using var file = SafetensorsFile.Open(path);

        // Then every tensor has its dtype, shape, size and exact bytes
        Assert.Equal(Mixed.Length, file.Tensors.Count);
        for (var i = 0; i < Mixed.Length; i++)
        {
            var info = file.GetTensor(Mixed[i].Name);
            Assert.Equal(Mixed[i].DType, info.DType);
            Assert.Equal(Mixed[i].Shape, info.Shape);
            Assert.Equal(data[i].Length, info.ByteLength);
            Assert.Equal(data[i], file.GetBytes(Mixed[i].Name).ToArray());
        }

        Assert.Equal(1, file.GetTensor("scalar").ElementCount);
        Assert.Equal(0, file.GetTensor("empty").ElementCount);
        Assert.Equal("pt", Assert.Single(file.Metadata).Value);
    }

    [Fact]
    public void Should_order_and_pad_the_header_like_the_reference_writer()
    {
        // Given tensors in a scrambled order
        var path = _files.PathOf("order.safetensors");
        SafetensorsWriter.Write(path,
        [
            SafetensorsTestFiles.Tensor("m", SafetensorsDType.U8, [5], [1, 2, 3, 4, 5]),
            SafetensorsTestFiles.Tensor("c", SafetensorsDType.F32, [], [0, 0, 128, 63]),
            SafetensorsTestFiles.Tensor("a", SafetensorsDType.F16, [3], new byte[6]),
            SafetensorsTestFiles.Tensor("z", SafetensorsDType.I64, [0], []),
            SafetensorsTestFiles.Tensor("b", SafetensorsDType.F32, [2], new byte[8]),
        ]);

        // When the raw bytes are inspected
        var bytes = File.ReadAllBytes(path);
        var n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);

        // Then the header is compact JSON sorted by dtype (reference enum order, descending) then name,
        // with contiguous offsets, padded with spaces to a multiple of 8, and the data follows it
        const string Expected = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"z\":{\"dtype\":\"I64\",\"shape\":[0],\"data_offsets\":[0,0]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]},"
            + "\"a\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[12,18]},"
            + "\"m\":{\"dtype\":\"U8\",\"shape\":[5],\"data_offsets\":[18,23]}}";
        Assert.Equal(0UL, n % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Equal(Expected, header.TrimEnd(' '));
        Assert.Equal(Expected.Length + ((8 - (Expected.Length % 8)) % 8), header.Length);
        Assert.Equal(8 + (int)n + 23, bytes.Length);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, bytes[^5..]);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["z", "b", "c", "a", "m"], file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Should_round_trip_metadata_and_escaped_names()
    {
        // Given metadata and names that need JSON escaping or are not ASCII
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "quote \" backslash \\ tab \t é 🙂", ["empty"] = "" };
        var names = new[] { "quo\"te", "new\nline", "ünï😀", "" };
        var path = _files.PathOf("meta.safetensors");
        SafetensorsWriter.Write(path, names.Select((n, i) => SafetensorsTestFiles.Tensor(n, SafetensorsDType.U8, [1], [(byte)i])).ToList(), metadata);

        // When it is read back
        using var file = SafetensorsFile.Open(path);

        // Then metadata and names are exactly what was written
        Assert.Equal(metadata.OrderBy(kv => kv.Key), file.Metadata.OrderBy(kv => kv.Key));
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Equal((byte)i, file.GetBytes(names[i])[0]);
        }
    }

    [Fact]
    public void Should_write_empty_metadata_when_asked()
    {
        // Given an explicitly empty metadata map, when written and read, then there is none (and no "format")
        var path = _files.PathOf("nometa.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTestFiles.Tensor("x", SafetensorsDType.U8, [1], [9])], new Dictionary<string, string>());
        using var file = SafetensorsFile.Open(path);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Should_parse_a_hand_built_file()
    {
        // Given a file assembled byte by byte: a 2x2 F32 tensor [[1, 2], [3, -0.5]] and a metadata map
        var values = new[] { 1f, 2f, 3f, -0.5f };
        var data = new byte[16];
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        }

        const string Header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"__metadata__\":{\"k\":\"v\"}}";
        var path = _files.Build("hand.safetensors", Header, data);

        // When it is opened
        using var file = SafetensorsFile.Open(path);

        // Then the info and the values are the ones written, and the offset is absolute in the file
        var info = Assert.Single(file.Tensors);
        Assert.Equal("w", info.Name);
        Assert.Equal(SafetensorsDType.F32, info.DType);
        Assert.Equal(new long[] { 2, 2 }, info.Shape);
        Assert.Equal(8 + Encoding.UTF8.GetByteCount(Header), info.DataOffset);
        Assert.Equal(16, info.ByteLength);
        Assert.Equal(4, info.ElementCount);
        Assert.True(file.TryGetTensor("w", out var same));
        Assert.Same(info, same);
        Assert.False(file.TryGetTensor("nope", out _));
        Assert.Equal(values, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(file.GetBytes("w")).ToArray());
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Fact]
    public void Should_name_file_and_tensor_when_a_tensor_is_absent()
    {
        // Given a valid file, when an absent tensor is asked for, then the error names both
        var path = _files.PathOf("one.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTestFiles.Tensor("x", SafetensorsDType.U8, [1], [9])]);
        using var file = SafetensorsFile.Open(path);
        var e = Assert.Throws<SafetensorsFormatException>(() => file.GetTensor("y"));
        Assert.Equal($"{path}: tensor 'y': no such tensor in this file", e.Message);
        Assert.Equal("y", e.TensorName);
    }

    [Fact]
    public void Should_refuse_GetBytes_after_Dispose()
    {
        // Given a disposed file, when its bytes are asked for, then ObjectDisposedException (not a crash)
        var path = _files.PathOf("d.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTestFiles.Tensor("x", SafetensorsDType.U8, [1], [9])]);
        var file = SafetensorsFile.Open(path);
        file.Dispose();
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.GetBytes("x").Length);
    }

    [Fact]
    public void Should_stream_large_data_in_many_small_writes()
    {
        // Given a 3 MB tensor written 1000 bytes at a time (more than one write buffer)
        var path = _files.PathOf("big.safetensors");
        var expected = SafetensorsTestFiles.Bytes(SafetensorsDType.F32, [750_000], 7);
        SafetensorsWriter.Write(path, [new SafetensorsTensorToWrite("big", SafetensorsDType.F32, [750_000], s =>
        {
            for (var o = 0; o < expected.Length; o += 1000)
            {
                s.Write(expected, o, Math.Min(1000, expected.Length - o));
            }
        })]);

        // When read back, then the bytes are identical
        using var file = SafetensorsFile.Open(path);
        Assert.True(file.GetBytes("big").SequenceEqual(expected));
    }
}
