using System.Globalization;
using Hyperfit.Checkpoints;
using Hyperfit.Models.ImageGPT;
using Hyperfit.Training;

namespace Hyperfit.Images;

/// <summary>Images as the trainer's data: each image becomes one sequence of cluster ids (<see cref="ImageGptProcessor"/>,
/// laid out by <see cref="ImageSequenceLayout"/>), and <see cref="SequenceDataset.FromDocuments"/> draws the training
/// samples and validation images from them exactly as it draws text documents — one trainer for text and images.</summary>
public static class ImageDataset
{
    /// <summary>The recipe an image run trains with: <c>sequence_length</c> is the image's id count in the layout, and
    /// no text continuations are generated at validation (<c>ttr_generated_tokens</c> 0; image completions are
    /// measured by the image experiments instead).</summary>
    public static HyperfitRecipe AdaptRecipe(HyperfitRecipe recipe, ImageGptProcessor processor, ImageSequenceLayout layout)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(processor);
        var length = processor.SequenceLength(layout);
        return recipe with
        {
            SequenceLength = length,
            TtrGeneratedTokens = 0,
            TtrContextTokens = Math.Min(recipe.TtrContextTokens, length - 1),
        };
    }

    /// <summary>An ImageGPT model folder (config.json of that family and a preprocessor_config.json): its data are images.</summary>
    public static bool IsImageModel(string modelDirectory) =>
        ImageGptProcessor.Exists(modelDirectory) && HfModelLoader.ReadConfig(modelDirectory) is ImageGPTConfig;

    /// <summary>The processor of an ImageGPT model folder, checked against its config.json.</summary>
    /// <exception cref="InvalidDataException">Not an ImageGPT folder, or a processor that does not fit the model.</exception>
    public static (ImageGptProcessor Processor, ImageGPTConfig Config) OpenModel(string modelDirectory, ImageSequenceLayout layout)
    {
        var config = HfModelLoader.ReadConfig(modelDirectory) as ImageGPTConfig
                     ?? throw new InvalidDataException($"{Path.Combine(modelDirectory, HfModelLoader.ConfigFileName)}: not an ImageGPTForCausalImageModeling model");
        var processor = ImageGptProcessor.Load(modelDirectory);
        processor.CheckAgainst(config, modelDirectory, layout);
        return (processor, config);
    }

    /// <summary>Id sequences of images, in order.</summary>
    public static IReadOnlyList<int[]> Encode(IReadOnlyList<RgbImage> images, ImageGptProcessor processor, ImageGPTConfig config,
        ImageSequenceLayout layout, string source)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(config);
        var sequences = new int[images.Count][];
        Parallel.For(0, images.Count, i =>
        {
            var ids = processor.Encode(images[i], string.Create(CultureInfo.InvariantCulture, $"{source}: image {i}"));
            sequences[i] = layout == ImageSequenceLayout.StartToken ? [config.StartTokenId, .. ids] : ids;
        });
        return sequences;
    }

    /// <summary>Reads, encodes and samples the images at <paramref name="dataPath"/> for a model folder.</summary>
    /// <param name="recipe">Already adapted (<see cref="AdaptRecipe"/>).</param>
    public static SequenceDataset Load(string modelDirectory, string dataPath, HyperfitRecipe recipe, ImageSequenceLayout layout, string column = "img")
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var (processor, config) = OpenModel(modelDirectory, layout);
        var images = ImageSource.Read(dataPath, column);
        return SequenceDataset.FromDocuments(Encode(images, processor, config, layout, dataPath), recipe, dataPath);
    }
}
