using System.Buffers.Binary;

namespace Hyperfit.Tests.Reporting;

/// <summary>Checks a file is a PNG of the expected size: signature, then an IHDR chunk with width and height.</summary>
internal static class Png
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static void AssertValid(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"no file at {path}");
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33, "too short for a PNG header");
        Assert.Equal(Signature, bytes[..8]);
        Assert.Equal(13u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8, 4)));
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(width, (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20, 4)));
    }

    /// <summary>No temp file left beside the output.</summary>
    public static void AssertOnlyFile(string directory, string name) =>
        Assert.Equal(new[] { name }, Directory.GetFiles(directory).Select(f => Path.GetFileName(f)).ToArray());
}
