using System.Buffers.Binary;
using System.IO.Compression;
using Hyperfit.Images;
using Hyperfit.Tests.Checkpoints;
using Parquet;
using Parquet.Schema;

namespace Hyperfit.Tests.Images;

/// <summary>The image layouts read from disk: IDX (gzipped or not), CIFAR-10 binary batches and Hugging Face Parquet,
/// PNG/JPEG with grayscale and alpha, and the one-line errors for files that are none of these.</summary>
public sealed class ImageSourceTests
{
    private static byte[] Idx(int magic, int count, int rows, int cols, Func<int, byte> pixel, int? dataBytes = null)
    {
        var data = new byte[16 + (dataBytes ?? count * rows * cols)];
        BinaryPrimitives.WriteInt32BigEndian(data, magic);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(12), cols);
        for (var i = 16; i < data.Length; i++)
        {
            data[i] = pixel(i - 16);
        }

        return data;
    }

    [Fact]
    public void Should_read_idx_images_plain_and_gzipped_as_gray_rgb()
    {
        // Given 3 images of 2 × 3 in IDX, plain and gzipped
        using var dir = new TempDirectory();
        var bytes = Idx(IdxImages.ImageMagic, 3, 2, 3, i => (byte)(i * 7));
        File.WriteAllBytes(dir.File("images-idx3-ubyte"), bytes);
        using (var gz = new GZipStream(File.Create(dir.File("images-idx3-ubyte.gz")), CompressionLevel.Fastest))
        {
            gz.Write(bytes);
        }

        // When both are read
        var plain = ImageSource.Read(dir.File("images-idx3-ubyte"));
        var zipped = ImageSource.Read(dir.File("images-idx3-ubyte.gz"));

        // Then each is 3 images of width 3, height 2, row-major, equal channels
        Assert.Equal(3, plain.Count);
        Assert.Equal((3, 2), (plain[1].Width, plain[1].Height));
        Assert.Equal(new byte[] { 42, 42, 42 }, plain[1].Pixels[..3]); // image 1 starts at byte 6 → 6 · 7
        Assert.Equal((byte)(11 * 7), plain[1].Pixels[15]);          // its pixel (1, 2)
        Assert.Equal(plain.SelectMany(i => i.Pixels), zipped.SelectMany(i => i.Pixels));
    }

    [Fact]
    public void Should_name_a_label_file_a_bad_magic_and_a_truncated_idx_file()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("labels-idx1-ubyte"), Idx(0x801, 3, 2, 3, _ => 1));
        File.WriteAllBytes(dir.File("junk-idx3-ubyte"), Idx(0x12345678, 3, 2, 3, _ => 1));
        File.WriteAllBytes(dir.File("short-idx3-ubyte"), Idx(IdxImages.ImageMagic, 3, 2, 3, _ => 1, dataBytes: 10));

        var label = Assert.Throws<InvalidDataException>(() => ImageSource.Read(dir.File("labels-idx1-ubyte")));
        var junk = Assert.Throws<InvalidDataException>(() => ImageSource.Read(dir.File("junk-idx3-ubyte")));
        var shortFile = Assert.Throws<InvalidDataException>(() => ImageSource.Read(dir.File("short-idx3-ubyte")));

        Assert.Contains("label file", label.Message, StringComparison.Ordinal);
        Assert.Contains("0x12345678", junk.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", shortFile.Message, StringComparison.Ordinal);
        Assert.All(new[] { label, junk, shortFile }, e => Assert.StartsWith(dir.Path, e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_read_cifar10_binary_records_plane_by_plane()
    {
        // Given two CIFAR-10 records: label, then 1024 red, 1024 green, 1024 blue bytes
        using var dir = new TempDirectory();
        var record = new byte[3073];
        record[0] = 7;
        for (var p = 0; p < 1024; p++)
        {
            (record[1 + p], record[1025 + p], record[2049 + p]) = ((byte)(p % 256), (byte)(255 - (p % 256)), (byte)(p / 4));
        }

        File.WriteAllBytes(dir.File("data_batch_1.bin"), [.. record, .. record]);

        // When read
        var images = ImageSource.Read(dir.File("data_batch_1.bin"));

        // Then pixel (row 3, col 5) = index 101 has its three planes' values
        Assert.Equal(2, images.Count);
        Assert.Equal((32, 32), (images[0].Width, images[0].Height));
        Assert.Equal(new byte[] { 101, 154, 25 }, images[1].Pixels[(3 * 101)..((3 * 101) + 3)]);
        File.WriteAllBytes(dir.File("bad.bin"), new byte[3000]);
        var error = Assert.Throws<InvalidDataException>(() => ImageSource.Read(dir.File("bad.bin")));
        Assert.Contains("3073", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_read_images_from_a_hugging_face_parquet_img_column()
    {
        // Given a Parquet file shaped like the Hub's CIFAR-10 export: img {bytes, path}, label
        using var dir = new TempDirectory();
        var a = new RgbImage(2, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
        var b = RgbImage.FromGray(2, 2, [0, 64, 128, 255]);
        var bytesField = new DataField<byte[]>("bytes");
        var pathField = new DataField<string>("path");
        var labelField = new DataField<long>("label");
        var schema = new ParquetSchema(new StructField("img", bytesField, pathField), labelField);
        await using (var stream = File.Create(dir.File("train.parquet")))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(bytesField, [ImageFiles.EncodePng(a), ImageFiles.EncodePng(b)]);
            await group.WriteAsync(pathField, ["a.png", "b.png"]);
            await group.WriteAsync<long>(labelField, new long[] { 3, 5 }.AsMemory());
        }

        // When read
        var images = ImageSource.Read(dir.File("train.parquet"));

        // Then both images come back pixel-exact; another column name is an error naming the columns
        Assert.Equal(a.Pixels, images[0].Pixels);
        Assert.Equal(b.Pixels, images[1].Pixels);
        var error = Assert.Throws<InvalidDataException>(() => ImageSource.Read(dir.File("train.parquet"), "image"));
        Assert.Contains("no image column 'image'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_composite_alpha_on_white_and_expand_gray_and_refuse_what_is_not_an_image()
    {
        // Given a PNG that is not an image and the real Noto emoji (transparent background)
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("fake.png"), "not a picture");
        var emoji = ImageFiles.Read(ImageGoldens.Path("images", "emoji-1f34e.png"));
        var gray = ImageFiles.Read(ImageGoldens.Path("images", "fashion-0.png"));

        // Then the emoji's transparent corner is white, the gray image has equal channels, and the fake is named
        Assert.Equal((64, 64), (emoji.Width, emoji.Height));
        Assert.Equal(new byte[] { 255, 255, 255 }, emoji.Pixels[..3]);
        Assert.All(Enumerable.Range(0, 28 * 28), i => Assert.True(gray.Pixels[3 * i] == gray.Pixels[(3 * i) + 1] && gray.Pixels[3 * i] == gray.Pixels[(3 * i) + 2]));
        var error = Assert.Throws<InvalidDataException>(() => ImageFiles.Read(dir.File("fake.png")));
        Assert.StartsWith($"{dir.File("fake.png")}: not an image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_round_trip_png_and_read_a_folder_in_name_order()
    {
        using var dir = new TempDirectory();
        var img = new RgbImage(3, 1, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        ImageFiles.WritePng(img, dir.File("b.png"));
        ImageFiles.WritePng(RgbImage.FromGray(3, 1, [9, 9, 9]), dir.File("a.png"));

        var images = ImageSource.Read(dir.Path);

        Assert.Equal(new byte[] { 9, 9, 9, 9, 9, 9, 9, 9, 9 }, images[0].Pixels);
        Assert.Equal(img.Pixels, images[1].Pixels);
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length); // no temp file left
    }
}
