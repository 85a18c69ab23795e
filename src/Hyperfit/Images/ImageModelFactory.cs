using Hyperfit.Checkpoints;
using Hyperfit.Models;

namespace Hyperfit.Images;

/// <summary>A freshly initialised <c>ImageGPTForCausalImageModeling</c> in Hugging Face layout around a palette:
/// config.json, model.safetensors and preprocessor_config.json, ready for <c>hyperfit pretrain</c>.</summary>
public static class ImageModelFactory
{
    /// <summary>Named sizes for small image sets (not ImageGPT's released sizes: those are 512/24, 1024/36, 1536/48).
    /// tiny: tests; small: the shipped Fashion-MNIST demo model.</summary>
    public static (int Hidden, int Layers, int Heads) Preset(string name) => name switch
    {
        "tiny" => (32, 2, 4),
        "small" => (128, 4, 4),
        "base" => (256, 6, 8),
        _ => throw new FieldException(Fields.Preset, $"preset {name}: expected tiny, small or base"),
    };

    /// <summary>Writes the model; <c>n_positions</c> is the processor's H·W (+1 with the start-token layout, less the
    /// last id that is only a target, i.e. H·W either way).</summary>
    public static void CreateRandom(ImageGptProcessor processor, int hidden, int layers, int heads, string outputDirectory, long seed)
    {
        ArgumentNullException.ThrowIfNull(processor);
        var blueprint = new ModelBlueprint("imagegpt", processor.Palette.Count + 1, hidden, layers, heads, heads, 4 * hidden, processor.Pixels);
        var config = ModelRegistry.ReadConfig(blueprint.ToConfigJson());
        using var model = ModelRegistry.Build(config, ModelOptions.Default);
        ModelInitializer.Initialize(model, seed);
        HfModelSaver.Save(model, outputDirectory);
        processor.Save(outputDirectory);
    }
}
