using Hyperfit.Images;
using Hyperfit.Models;

namespace Hyperfit.Tests.Images;

/// <summary>A tiny ImageGPT folder around a gray palette, and synthetic images for it (8 × 8 unless told).</summary>
internal static class ImageTinyModel
{
    public static ColorPalette Palette(int clusters = 8) =>
        new([.. Enumerable.Range(0, clusters).Select(k => (IReadOnlyList<double>)Enumerable.Repeat((2.0 * k / (clusters - 1)) - 1, 3).ToArray())]);

    /// <summary>Writes config.json, model.safetensors and preprocessor_config.json into <paramref name="dir"/>.</summary>
    public static ImageGptProcessor Create(string dir, int side = 8, int clusters = 8, long seed = 3)
    {
        var processor = ImageGptProcessor.Create(Palette(clusters), side, side);
        ImageModelFactory.CreateRandom(processor, hidden: 32, layers: 2, heads: 4, dir, seed);
        return processor;
    }

    /// <summary>Images with a little structure (a bright block of varying size and place on a dark ground) and a random
    /// first row, so that each image is told apart from its first pixels (memorisable to near-zero loss).</summary>
    public static List<RgbImage> Images(int count, int side = 8, int seed = 5)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(index =>
        {
            var gray = new byte[side * side];
            var (r0, c0, size) = (random.Next(side / 2), random.Next(side / 2), random.Next(2, (side / 2) + 1));
            var level = (byte)random.Next(128, 256);
            for (var r = r0; r < r0 + size; r++)
            {
                for (var c = c0; c < c0 + size; c++)
                {
                    gray[(r * side) + c] = level;
                }
            }

            for (var c = 0; c < side; c++)
            {
                gray[c] = (byte)(random.Next(8) * 36);
            }

            gray[0] = (byte)(index % 8 * 36); // distinct first pixels: with a start token only they are ambiguous

            return RgbImage.FromGray(side, side, gray);
        })];
    }
}
