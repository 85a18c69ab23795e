using System.Globalization;

namespace Hyperfit.Images;

/// <summary>
/// The image side's preparation jobs (<c>hyperfit image palette|new-model|encode|decode</c>, docs/images.md): fit a
/// colour palette, create a model around it, images → cluster ids and back. Errors name their field
/// (<see cref="Fields"/>); the CLI shows its flags.
/// </summary>
public static class ImagePreparation
{
    /// <summary>Fits a k-means palette (normalised RGB) on the images at <paramref name="data"/>, as the processor will
    /// see them (resized to its size), and writes <c>preprocessor_config.json</c> into <paramref name="outputDirectory"/>.</summary>
    /// <param name="size">The processor's square side; null: the first image's (which must be square).</param>
    /// <param name="limit">Fit on the first N images only.</param>
    /// <returns>The palette's cluster count, the images it was fitted on, the side and the file written.</returns>
    public static (int Clusters, int Images, int Side, string File) FitPalette(string data, int clusters, int? size, int? limit, long seed, string outputDirectory)
    {
        var images = ImageSource.Read(data);
        var used = limit is { } n ? images.Take(n).ToList() : images;
        var side = size ?? (images[0].Width == images[0].Height
            ? images[0].Width
            : throw new FieldException(Fields.ImageSize, string.Create(CultureInfo.InvariantCulture,
                $"size: the first image is {images[0].Width}×{images[0].Height}, not square; give the size")));
        var palette = KMeansPalette.Fit(used.Select(i => ImageFiles.Resize(i, side, side)), clusters, seed);
        var processor = ImageGptProcessor.Create(palette, side, side);
        processor.Save(outputDirectory);
        return (palette.Count, used.Count, side, Path.Combine(outputDirectory, ImageGptProcessor.FileName));
    }

    /// <summary>A freshly initialised ImageGPT around the palette in <paramref name="processorDirectory"/>: the preset's
    /// sizes (<see cref="ImageModelFactory.Preset"/>) unless overridden.</summary>
    public static void NewModel(string processorDirectory, string preset, int? hidden, int? layers, int? heads, long seed, string outputDirectory)
    {
        var processor = ImageGptProcessor.Load(processorDirectory);
        var (h, l, n) = ImageModelFactory.Preset(preset);
        ImageModelFactory.CreateRandom(processor, hidden ?? h, layers ?? l, heads ?? n, outputDirectory, seed);
    }

    /// <summary>Images → id sequences (JSONL, <see cref="ImageIds"/>), as transformers' ImageGPTImageProcessor gives
    /// them; returns how many.</summary>
    public static int Encode(string modelDirectory, string data, ImageSequenceLayout layout, string column, string outFile)
    {
        var (processor, config) = ImageDataset.OpenModel(modelDirectory, layout);
        var sequences = ImageDataset.Encode(ImageSource.Read(data, column), processor, config, layout, data);
        ImageIds.WriteJsonl(outFile, sequences);
        return sequences.Count;
    }

    /// <summary>Id sequences (H·W ids, or a start id first) → PNG files <c>000000.png</c>, … in
    /// <paramref name="outputDirectory"/>; returns how many.</summary>
    /// <exception cref="InvalidDataException">A sequence the palette cannot decode (names the file and line).</exception>
    public static int Decode(string modelDirectory, string idsFile, string outputDirectory)
    {
        var processor = ImageGptProcessor.Load(modelDirectory);
        var sequences = ImageIds.ReadJsonl(idsFile);
        for (var i = 0; i < sequences.Count; i++)
        {
            var s = sequences[i];
            var pixels = s.Length == processor.Pixels + 1 && s[0] == processor.Palette.Count ? s[1..] : s;
            RgbImage image;
            try
            {
                image = processor.Decode(pixels);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{idsFile}: line {i + 1}: {e.Message.Replace(" (Parameter 'ids')", "", StringComparison.Ordinal)}"), e);
            }

            ImageFiles.WritePng(image, Path.Combine(outputDirectory, string.Create(CultureInfo.InvariantCulture, $"{i:D6}.png")));
        }

        return sequences.Count;
    }
}
