using System.Buffers.Binary;
using System.Text;
using Hyperfit.IO.Safetensors;

namespace Hyperfit.Tests.IO.Safetensors;

/// <summary>A scratch directory per test class instance, plus helpers to build files byte by byte.</summary>
internal sealed class SafetensorsTestFiles : IDisposable
{
    public SafetensorsTestFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "hyperfit-st-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Writes the 8-byte length (the header's own, unless overridden), the header text, then the data.</summary>
    public string Build(string name, string headerJson, byte[]? data = null, ulong? headerLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        return BuildRaw(name, header, data ?? [], headerLength);
    }

    public string BuildRaw(string name, byte[] header, byte[] data, ulong? headerLength = null)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Opens <paramref name="path"/> expecting rejection, and checks the message is one line naming the file.</summary>
    public static SafetensorsFormatException Rejects(string path)
    {
        var e = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    /// <summary>A tensor whose data is the given bytes.</summary>
    public static SafetensorsTensorToWrite Tensor(string name, SafetensorsDType dtype, long[] shape, byte[] data) =>
        new(name, dtype, shape, s => s.Write(data));

    /// <summary>Deterministic pseudo-random bytes of the right size for dtype × shape.</summary>
    public static byte[] Bytes(SafetensorsDType dtype, long[] shape, int seed)
    {
        var n = dtype.ElementSize() * shape.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
