namespace Hyperfit.Images;

/// <summary>Reads the images of a local path, whatever its layout: an IDX file (MNIST, Fashion-MNIST; gzipped or not),
/// a CIFAR-10 binary batch (<c>*.bin</c>) or folder of them (<c>data_batch_1.bin</c> …), a Hugging Face Parquet file
/// with an <c>img</c> column, a folder of PNG/JPEG files (sorted by name, ordinal), or one PNG/JPEG file.</summary>
public static class ImageSource
{
    /// <param name="column">Parquet image column (CIFAR-10's is <c>img</c>; many other sets use <c>image</c>).</param>
    /// <exception cref="InvalidDataException">Nothing readable there; one line naming the path.</exception>
    public static IReadOnlyList<RgbImage> Read(string path, string column = "img")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, "data_batch_1.bin")))
            {
                return Cifar10.ReadBinaryFolder(path);
            }

            if (File.Exists(Path.Combine(path, "test_batch.bin")))
            {
                return Cifar10.ReadBinaryFolder(path, test: true);
            }

            var files = Directory.GetFiles(path).Where(ImageFiles.IsImageFile).Order(StringComparer.Ordinal).ToArray();
            return files.Length > 0
                ? [.. files.Select(ImageFiles.Read)]
                : throw new InvalidDataException($"{path}: folder holds no .png/.jpg/.jpeg images and no CIFAR-10 batches");
        }

        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: image data not found");
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (IdxImages.LooksLikeIdx(path))
        {
            return IdxImages.Read(path);
        }

        return extension switch
        {
            ".bin" => Cifar10.ReadBinary(path),
            ".parquet" => Cifar10.ReadParquet(path, column),
            ".png" or ".jpg" or ".jpeg" => [ImageFiles.Read(path)],
            _ => throw new InvalidDataException(
                $"{path}: unknown image data (expected an IDX file (*-ubyte[.gz]), CIFAR-10 *.bin, a Parquet file, a PNG/JPEG, or a folder of them)"),
        };
    }
}
