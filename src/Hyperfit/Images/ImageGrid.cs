using SkiaSharp;

namespace Hyperfit.Images;

/// <summary>A PNG grid of images, one row per example and one column per source (original | base | hyperfitted, …),
/// each image scaled up by whole pixels (nearest neighbour, so every cluster colour stays visible) on a white
/// background, with a short dark tick left of each row marking where the given context ends.</summary>
public static class ImageGrid
{
    /// <param name="rows">Each row's images, all of one size.</param>
    /// <param name="contextRows">Image rows given as context (the tick's height); 0 draws no tick.</param>
    public static void Write(string path, IReadOnlyList<IReadOnlyList<RgbImage>> rows, int contextRows, int scale = 4, int gap = 4)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0 || rows[0].Count == 0)
        {
            throw new ArgumentException("a grid needs at least one image", nameof(rows));
        }

        var (w, h) = (rows[0][0].Width, rows[0][0].Height);
        if (rows.Any(r => r.Count != rows[0].Count || r.Any(i => i.Width != w || i.Height != h)))
        {
            throw new ArgumentException("every row must hold the same number of images of one size", nameof(rows));
        }

        var margin = gap * 2;
        var cellW = w * scale;
        var cellH = h * scale;
        var width = margin + (rows[0].Count * (cellW + gap)) + gap;
        var height = gap + (rows.Count * (cellH + gap));
        using var surface = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(surface);
        canvas.Clear(SKColors.White);
        using var tick = new SKPaint { Color = new SKColor(200, 30, 30), IsAntialias = false };
        for (var r = 0; r < rows.Count; r++)
        {
            var y = gap + (r * (cellH + gap));
            if (contextRows > 0)
            {
                canvas.DrawRect(gap / 2f, y, gap, contextRows * scale, tick);
            }

            for (var c = 0; c < rows[r].Count; c++)
            {
                using var bitmap = ImageFiles.ToBitmap(rows[r][c]);
                using var image = SKImage.FromBitmap(bitmap);
                var x = margin + (c * (cellW + gap));
                canvas.DrawImage(image, new SKRect(x, y, x + cellW, y + cellH), new SKSamplingOptions(SKFilterMode.Nearest));
            }
        }

        canvas.Flush();
        ImageFiles.WritePng(ImageFiles.FromBitmap(surface), path);
    }
}
