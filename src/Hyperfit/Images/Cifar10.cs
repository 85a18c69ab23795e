using Parquet;
using Parquet.Schema;

namespace Hyperfit.Images;

/// <summary>CIFAR-10 in its two standard local layouts: the binary version (<c>data_batch_1.bin</c> … <c>_5.bin</c>,
/// <c>test_batch.bin</c>: records of 1 label byte + 1024 red + 1024 green + 1024 blue bytes, row-major 32 × 32) and
/// the Hugging Face dataset's Parquet files (<c>plain_text/train-*.parquet</c>: an <c>img</c> struct column whose
/// <c>bytes</c> field holds a PNG, and a <c>label</c> column).</summary>
public static class Cifar10
{
    public const int Side = 32;
    private const int RecordBytes = 1 + (3 * Side * Side);

    /// <summary>The images of one binary batch file.</summary>
    /// <exception cref="InvalidDataException">A size that is not a whole number of 3073-byte records; names the file.</exception>
    public static IReadOnlyList<RgbImage> ReadBinary(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0 || bytes.Length % RecordBytes != 0)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of CIFAR-10 records ({RecordBytes} bytes each: label + 3 × 32 × 32)");
        }

        var images = new List<RgbImage>(bytes.Length / RecordBytes);
        const int plane = Side * Side;
        for (var offset = 0; offset < bytes.Length; offset += RecordBytes)
        {
            var rgb = new byte[3 * plane];
            for (var p = 0; p < plane; p++)
            {
                rgb[3 * p] = bytes[offset + 1 + p];
                rgb[(3 * p) + 1] = bytes[offset + 1 + plane + p];
                rgb[(3 * p) + 2] = bytes[offset + 1 + (2 * plane) + p];
            }

            images.Add(new RgbImage(Side, Side, rgb));
        }

        return images;
    }

    /// <summary>Every batch file of a CIFAR-10 binary folder (<c>cifar-10-batches-bin</c>): the five training batches in
    /// order, or <c>test_batch.bin</c> when <paramref name="test"/>.</summary>
    public static IReadOnlyList<RgbImage> ReadBinaryFolder(string folder, bool test = false)
    {
        var files = test
            ? [Path.Combine(folder, "test_batch.bin")]
            : Enumerable.Range(1, 5).Select(i => Path.Combine(folder, $"data_batch_{i}.bin")).ToArray();
        var missing = files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw new InvalidDataException($"{folder}: CIFAR-10 binary folder without {Path.GetFileName(missing)}");
        }

        return [.. files.SelectMany(ReadBinary)];
    }

    /// <summary>Images of a Hugging Face image-dataset Parquet file: column <paramref name="column"/> (CIFAR-10: <c>img</c>)
    /// is a struct whose <c>bytes</c> field holds an encoded PNG/JPEG.</summary>
    /// <exception cref="InvalidDataException">No such column, no <c>bytes</c> field, or undecodable images; names the file.</exception>
    public static IReadOnlyList<RgbImage> ReadParquet(string path, string column = "img")
    {
        using var stream = File.OpenRead(path);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: not a readable Parquet file ({e.Message.Split('\n')[0]})", e);
        }

        try
        {
            var fields = reader.Schema.GetDataFields();
            var bytesField = fields.FirstOrDefault(f => f.Path.ToString() == $"{column}/bytes" || f.Path.ToString() == $"{column}.bytes")
                             ?? throw new InvalidDataException(
                                 $"{path}: no image column '{column}' with a 'bytes' field (columns: {string.Join(", ", fields.Select(f => f.Path.ToString()))})");
            var images = new List<RgbImage>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var values = new byte[]?[group.RowCount];
                group.ReadAsync(bytesField, values.AsMemory()).AsTask().GetAwaiter().GetResult();
                for (var row = 0; row < values.Length; row++)
                {
                    var where = $"{path}: row group {g}, row {row}, {column}.bytes";
                    images.Add(values[row] is { } encoded ? ImageFiles.Decode(encoded, where) : throw new InvalidDataException($"{where}: no image bytes"));
                }
            }

            return images;
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
