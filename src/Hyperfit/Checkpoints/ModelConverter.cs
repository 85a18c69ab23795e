using Hyperfit.Models;
using TorchSharp;

namespace Hyperfit.Checkpoints;

/// <summary>Rewrites a Hugging Face model folder with its weights in another dtype (like HF's
/// <c>model.to(torch.bfloat16).save_pretrained(...)</c>): same layout, tokenizer and companion files copied,
/// <c>torch_dtype</c> in config.json updated. Used to ship the default model in bfloat16 (half the bytes).</summary>
public static class ModelConverter
{
    /// <summary>Loads <paramref name="modelDirectory"/> converting every weight to <paramref name="dtype"/> (round to
    /// nearest even, as torch's <c>.to()</c>) and saves it to <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="ArgumentException">The output folder is the input folder.</exception>
    public static void Convert(string modelDirectory, torch.ScalarType dtype, string outputDirectory)
    {
        if (Path.GetFullPath(modelDirectory).TrimEnd(Path.DirectorySeparatorChar) == Path.GetFullPath(outputDirectory).TrimEnd(Path.DirectorySeparatorChar))
        {
            throw new FieldException(Fields.Output, $"output {outputDirectory}: must differ from the model folder (the source is not overwritten)");
        }

        using var model = HfModelLoader.Load(modelDirectory, new ModelOptions(dtype));
        HfModelSaver.Save(model, outputDirectory, modelDirectory);
        // The same model in another dtype: its model card still describes it.
        var readme = Path.Combine(modelDirectory, "README.md");
        if (File.Exists(readme))
        {
            HfModelSaver.WriteAtomically(Path.Combine(outputDirectory, "README.md"), File.ReadAllText(readme));
        }
    }
}
