using Hyperfit.IO.Safetensors;

namespace Hyperfit.Tests.IO.Safetensors;

public sealed class SafetensorsWriterTests : IDisposable
{
    private readonly SafetensorsTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string[] Leftovers() => Directory.GetFiles(_files.Directory).Select(Path.GetFileName).Where(n => n!.EndsWith(".tmp", StringComparison.Ordinal)).ToArray()!;

    [Fact]
    public void Should_leave_no_file_when_WriteData_throws_midway()
    {
        // Given a tensor whose writer fails after writing some bytes
        var path = _files.PathOf("new.safetensors");
        var tensors = new[]
        {
            SafetensorsTestFiles.Tensor("a", SafetensorsDType.F32, [4], new byte[16]),
            new SafetensorsTensorToWrite("b", SafetensorsDType.U8, [8], s =>
            {
                s.Write(new byte[4]);
                throw new IOException("disk on fire");
            }),
        };

        // When written, then the writer's exception surfaces, and neither the target nor a temp file exists
        Assert.Equal("disk on fire", Assert.Throws<IOException>(() => SafetensorsWriter.Write(path, tensors)).Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void Should_keep_the_previous_file_when_a_rewrite_fails()
    {
        // Given an existing file
        var path = _files.PathOf("keep.safetensors");
        SafetensorsWriter.Write(path, [SafetensorsTestFiles.Tensor("a", SafetensorsDType.U8, [2], [1, 2])]);
        var before = File.ReadAllBytes(path);

        // When a rewrite fails midway, then the file is unchanged and no temp file remains
        Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.Write(path,
            [new SafetensorsTensorToWrite("a", SafetensorsDType.U8, [2], _ => throw new InvalidOperationException("boom"))]));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void Should_keep_the_previous_checkpoint_when_a_sharded_save_fails()
    {
        // Given a saved single-file checkpoint
        SafetensorsWriter.WriteCheckpoint(_files.Directory, [SafetensorsTestFiles.Tensor("a", SafetensorsDType.U8, [2], [1, 2])]);
        var before = File.ReadAllBytes(_files.PathOf("model.safetensors"));

        // When a sharded save fails in its last shard
        Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.WriteCheckpoint(_files.Directory,
        [
            SafetensorsTestFiles.Tensor("a", SafetensorsDType.U8, [2], [3, 4]),
            new SafetensorsTensorToWrite("b", SafetensorsDType.U8, [2], _ => throw new InvalidOperationException("boom")),
        ], maxShardBytes: 2));

        // Then the directory holds exactly the old checkpoint
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_files.Directory).Select(Path.GetFileName));
        Assert.Equal(before, File.ReadAllBytes(_files.PathOf("model.safetensors")));
    }

    [Theory]
    [InlineData(15, "WriteData wrote 15 bytes but F32 [2, 2] needs 16")]
    [InlineData(17, "WriteData wrote more than the 16 bytes its dtype and shape need")]
    public void Should_name_the_tensor_whose_WriteData_writes_the_wrong_count(int count, string problem)
    {
        var path = _files.PathOf("count.safetensors");
        var e = Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.Write(path,
            [new SafetensorsTensorToWrite("w", SafetensorsDType.F32, [2, 2], s => s.Write(new byte[count]))]));
        Assert.Equal($"tensor 'w': {problem}", e.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void Should_refuse_invalid_tensors_before_writing_anything()
    {
        var path = _files.PathOf("invalid.safetensors");
        var a = SafetensorsTestFiles.Tensor("a", SafetensorsDType.U8, [1], [1]);
        Assert.Contains("occurs twice", Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [a, a])).Message, StringComparison.Ordinal);
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
            [SafetensorsTestFiles.Tensor("__metadata__", SafetensorsDType.U8, [1], [1])])).Message, StringComparison.Ordinal);
        Assert.Contains("negative dimension -1", Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
            [SafetensorsTestFiles.Tensor("n", SafetensorsDType.U8, [-1], [])])).Message, StringComparison.Ordinal);
        Assert.Contains("lone surrogate", Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
            [SafetensorsTestFiles.Tensor("bad\ud800", SafetensorsDType.U8, [1], [1])])).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void Should_write_tensors_in_reference_order_regardless_of_input_order()
    {
        // Given the same tensors in two orders, when written, then the files are byte-identical
        var t = new[]
        {
            SafetensorsTestFiles.Tensor("x", SafetensorsDType.F16, [2], [1, 2, 3, 4]),
            SafetensorsTestFiles.Tensor("y", SafetensorsDType.F32, [1], [5, 6, 7, 8]),
            SafetensorsTestFiles.Tensor("w", SafetensorsDType.F16, [1], [9, 10]),
        };
        SafetensorsWriter.Write(_files.PathOf("1.safetensors"), t);
        SafetensorsWriter.Write(_files.PathOf("2.safetensors"), t.Reverse().ToList());
        Assert.Equal(File.ReadAllBytes(_files.PathOf("1.safetensors")), File.ReadAllBytes(_files.PathOf("2.safetensors")));
    }

    [Fact]
    public void Should_order_names_by_UTF8_bytes_like_the_reference()
    {
        // Given U+FF5E (UTF-16 0xFF5E, UTF-8 EF BD 9E) and U+1F600 (UTF-16 0xD83D..., UTF-8 F0 9F 98 80):
        // UTF-16 ordinal puts the emoji first, UTF-8 byte order (Rust's) puts it last
        var path = _files.PathOf("utf8order.safetensors");
        SafetensorsWriter.Write(path,
        [
            SafetensorsTestFiles.Tensor("\U0001F600", SafetensorsDType.U8, [1], [1]),
            SafetensorsTestFiles.Tensor("\uFF5E", SafetensorsDType.U8, [1], [2]),
        ]);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["\uFF5E", "\U0001F600"], file.Tensors.Select(x => x.Name));
    }
}
