using System.Buffers.Binary;
using System.IO.Compression;

namespace Hyperfit.Images;

/// <summary>MNIST / Fashion-MNIST image files in the IDX format (optionally gzipped, as distributed and as Debian's
/// <c>dataset-fashion-mnist</c> installs them): big-endian magic <c>0x00000803</c> (unsigned bytes, 3 dimensions),
/// then count, rows, columns, then count × rows × columns grayscale bytes (0 = black).</summary>
public static class IdxImages
{
    public const int ImageMagic = 0x00000803;

    /// <summary>True when the file is (gzipped) IDX by its name: <c>*-ubyte</c>, <c>*.idx</c>, with an optional <c>.gz</c>.</summary>
    public static bool LooksLikeIdx(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        name = name.EndsWith(".gz", StringComparison.Ordinal) ? name[..^3] : name;
        return name.EndsWith("-ubyte", StringComparison.Ordinal) || name.EndsWith(".idx", StringComparison.Ordinal)
               || name.EndsWith(".idx3", StringComparison.Ordinal);
    }

    /// <summary>Reads images <paramref name="skip"/> … <paramref name="skip"/> + <paramref name="take"/> − 1 (all by default) as RGB.</summary>
    /// <exception cref="InvalidDataException">Wrong magic (e.g. a label file), truncated data; names the file.</exception>
    public static IReadOnlyList<RgbImage> Read(string path, int skip = 0, int? take = null)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: IDX file not found");
        }

        using var file = File.OpenRead(path);
        Span<byte> probe = stackalloc byte[2];
        var gz = file.ReadAtLeast(probe, 2, throwOnEndOfStream: false) == 2 && probe[0] == 0x1f && probe[1] == 0x8b;
        file.Position = 0;
        using var stream = gz ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        try
        {
            return ReadStream(stream, path, skip, take);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: damaged gzip data ({e.Message})", e);
        }
    }

    private static List<RgbImage> ReadStream(Stream stream, string path, int skip, int? take)
    {
        var header = new byte[16];
        if (stream.ReadAtLeast(header, 16, throwOnEndOfStream: false) < 16)
        {
            throw new InvalidDataException($"{path}: too short for an IDX header (16 bytes)");
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != ImageMagic)
        {
            throw new InvalidDataException(magic == 0x00000801
                ? $"{path}: IDX magic 0x00000801 is a label file, not images (expected 0x{ImageMagic:x8})"
                : $"{path}: IDX magic 0x{magic:x8} is not an image file (expected 0x{ImageMagic:x8}: unsigned bytes, 3 dimensions)");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8));
        var cols = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(12));
        if (count < 0 || rows < 1 || cols < 1 || (long)rows * cols > 1 << 24)
        {
            throw new InvalidDataException($"{path}: IDX header gives {count} images of {rows}×{cols}, which is not a valid image set");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        var last = Math.Min(count, take is { } t ? skip + (long)t : count);
        var size = rows * cols;
        var buffer = new byte[size];
        var images = new List<RgbImage>((int)Math.Max(0, last - skip));
        for (var i = 0; i < last; i++)
        {
            if (stream.ReadAtLeast(buffer, size, throwOnEndOfStream: false) < size)
            {
                throw new InvalidDataException($"{path}: truncated: the header announces {count} images, the data ends in image {i}");
            }

            if (i >= skip)
            {
                images.Add(RgbImage.FromGray(cols, rows, buffer));
            }
        }

        return images;
    }
}
