namespace Hyperfit.Images;

/// <summary>An 8-bit RGB image, row-major, channels interleaved: pixel (row, col) is
/// <c>Pixels[3 * (row * Width + col) .. + 3]</c>. What every image source yields and the processor reads.</summary>
public sealed record RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (pixels.Length != 3L * width * height)
        {
            throw new ArgumentException($"{pixels.Length} bytes do not make a {width}×{height} RGB image ({3L * width * height} needed)", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    /// <summary>A grayscale image (one byte per pixel) as RGB with equal channels.</summary>
    public static RgbImage FromGray(int width, int height, ReadOnlySpan<byte> gray)
    {
        if (gray.Length != width * height)
        {
            throw new ArgumentException($"{gray.Length} bytes do not make a {width}×{height} grayscale image", nameof(gray));
        }

        var rgb = new byte[3 * gray.Length];
        for (var i = 0; i < gray.Length; i++)
        {
            rgb[3 * i] = rgb[(3 * i) + 1] = rgb[(3 * i) + 2] = gray[i];
        }

        return new RgbImage(width, height, rgb);
    }
}
