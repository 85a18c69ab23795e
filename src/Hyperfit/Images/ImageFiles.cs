using SkiaSharp;

namespace Hyperfit.Images;

/// <summary>PNG and JPEG files ↔ <see cref="RgbImage"/> through SkiaSharp (the image library Hyperfit already ships).</summary>
/// <remarks>Decoding yields the stored 8-bit values without colour management (no ICC or gamma conversion: what
/// PIL gives transformers' processor). Grayscale becomes RGB with equal channels; an alpha channel is composited on
/// white, <c>round((c·a + 255·(255 − a)) / 255)</c> per channel, so transparent emoji backgrounds become white.</remarks>
public static class ImageFiles
{
    /// <summary>File name endings read as images in a folder.</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    public static bool IsImageFile(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant(), StringComparer.Ordinal);

    /// <exception cref="InvalidDataException">Not a readable PNG/JPEG; names the file.</exception>
    public static RgbImage Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: image file not found");
        }

        return Decode(bytes, path);
    }

    /// <summary>Decodes PNG or JPEG bytes; <paramref name="source"/> names them in errors.</summary>
    public static RgbImage Decode(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException($"{source}: not an image (SkiaSharp recognises no PNG/JPEG in it)");
        if (codec.EncodedFormat is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg))
        {
            throw new InvalidDataException($"{source}: {codec.EncodedFormat} images are not supported (PNG or JPEG)");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        // Unpremultiplied RGBA, no colour space: the bytes the file stores.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[4L * width * height];
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(rgba, System.Runtime.InteropServices.GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }

        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new InvalidDataException($"{source}: the image data cannot be decoded ({result})");
        }

        if (result == SKCodecResult.IncompleteInput)
        {
            throw new InvalidDataException($"{source}: the image file is truncated");
        }

        var rgb = new byte[3L * width * height];
        for (long i = 0, n = (long)width * height; i < n; i++)
        {
            var a = rgba[(4 * i) + 3];
            for (var c = 0; c < 3; c++)
            {
                var v = rgba[(4 * i) + c];
                rgb[(3 * i) + c] = a == 255 ? v : (byte)(((v * a) + (255 * (255 - a)) + 127) / 255);
            }
        }

        return new RgbImage(width, height, rgb);
    }

    /// <summary>Writes a PNG atomically (temp file beside it, then rename); folders are created.</summary>
    public static void WritePng(RgbImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllBytes(temp, EncodePng(image));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>PNG bytes of an RGB image (stored opaque).</summary>
    public static byte[] EncodePng(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bitmap = ToBitmap(image);
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }

    /// <summary>An opaque RGBA bitmap of the image (for drawing grids and resizing).</summary>
    internal static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[4L * image.Width * image.Height];
        for (long i = 0, n = (long)image.Width * image.Height; i < n; i++)
        {
            rgba[4 * i] = image.Pixels[3 * i];
            rgba[(4 * i) + 1] = image.Pixels[(3 * i) + 1];
            rgba[(4 * i) + 2] = image.Pixels[(3 * i) + 2];
            rgba[(4 * i) + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    /// <summary>The RGB bytes of an RGBA8888 bitmap (alpha ignored: the bitmaps drawn here are opaque).</summary>
    internal static RgbImage FromBitmap(SKBitmap bitmap)
    {
        using var converted = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888);
        var source = converted ?? bitmap;
        var rgba = new byte[4L * source.Width * source.Height];
        System.Runtime.InteropServices.Marshal.Copy(source.GetPixels(), rgba, 0, rgba.Length);
        var rgb = new byte[3L * source.Width * source.Height];
        for (long i = 0, n = (long)source.Width * source.Height; i < n; i++)
        {
            rgb[3 * i] = rgba[4 * i];
            rgb[(3 * i) + 1] = rgba[(4 * i) + 1];
            rgb[(3 * i) + 2] = rgba[(4 * i) + 2];
        }

        return new RgbImage(source.Width, source.Height, rgb);
    }

    /// <summary>Bilinear resize (with mipmaps when shrinking). Not bit-identical to PIL's resize, which transformers'
    /// processor uses; images already at the processor's size are never resized.</summary>
    public static RgbImage Resize(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == width && image.Height == height)
        {
            return image;
        }

        using var source = ToBitmap(image);
        using var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        source.ScalePixels(target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return FromBitmap(target);
    }
}
