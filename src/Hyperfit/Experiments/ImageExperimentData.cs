using System.Globalization;
using Hyperfit.Images;
using Hyperfit.Models.ImageGPT;

namespace Hyperfit.Experiments;

/// <summary>The images of an image experiment, read and encoded once: the hyperfitting pool (as training sequences in
/// the spec's layout) and the held-out images to complete (as H·W cluster ids).</summary>
public sealed class ImageExperimentData
{
    private ImageExperimentData(ImageGptProcessor processor, ImageGPTConfig config, IReadOnlyList<int[]> hyperfit, IReadOnlyList<int[]> completion, int contextRows)
    {
        Processor = processor;
        Config = config;
        HyperfitSequences = hyperfit;
        CompletionIds = completion;
        ContextRows = contextRows;
        HyperfitHash = ImageExperimentRunner.Hash(hyperfit);
        CompletionHash = ImageExperimentRunner.Hash(completion);
    }

    public ImageGptProcessor Processor { get; }

    public ImageGPTConfig Config { get; }

    /// <summary>Every image of the hyperfit range, as sequences; the trainer draws samples and validation images from them.</summary>
    public IReadOnlyList<int[]> HyperfitSequences { get; }

    /// <summary>The images to complete, H·W ids each (no start token).</summary>
    public IReadOnlyList<int[]> CompletionIds { get; }

    public int ContextRows { get; }

    public string HyperfitHash { get; }

    public string CompletionHash { get; }

    /// <exception cref="InvalidDataException">Unreadable images, or fewer than the spec asks for; names the file.</exception>
    public static ImageExperimentData Load(ImageExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (processor, config) = ImageDataset.OpenModel(spec.BaseModelDir, spec.Layout);
        var hyperfit = Read(spec.HyperfitImages, "hyperfit");
        var needed = (long)spec.Recipe.Samples + spec.Recipe.ValidationSequences;
        if (hyperfit.Count < needed)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{spec.HyperfitImages.Data}: the hyperfit range holds {hyperfit.Count} images; samples ({spec.Recipe.Samples}) + validation_sequences ({spec.Recipe.ValidationSequences}) = {needed} are needed"));
        }

        var completion = Read(spec.CompletionImages, "completions");
        if (completion.Count == 0)
        {
            throw new InvalidDataException($"{spec.CompletionImages.Data}: the completions range holds no images");
        }

        var sequences = ImageDataset.Encode(hyperfit, processor, config, spec.Layout, spec.HyperfitImages.Data);
        var ids = ImageDataset.Encode(completion, processor, config, ImageSequenceLayout.Raw, spec.CompletionImages.Data);
        return new ImageExperimentData(processor, config, sequences, ids, spec.ContextRows ?? ImageCompletion.DefaultContextRows(processor.Height));
    }

    /// <summary>One line for the log.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"images {Processor.Height}×{Processor.Width}, {Processor.Palette.Count} colour clusters; {HyperfitSequences.Count} in the hyperfit range, {CompletionIds.Count} to complete from their first {ContextRows} rows");

    private static IReadOnlyList<RgbImage> Read(ImageRangeSpec range, string key)
    {
        var all = ImageSource.Read(range.Data, range.Column);
        if (range.Skip > all.Count)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{range.Data}: {key}.skip ({range.Skip}) is past its {all.Count} images"));
        }

        return [.. all.Skip(range.Skip).Take(range.Take ?? int.MaxValue)];
    }
}
