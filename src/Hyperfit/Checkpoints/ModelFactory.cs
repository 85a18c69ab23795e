using Hyperfit.Models;
using Hyperfit.Tokenization;

namespace Hyperfit.Checkpoints;

/// <summary>Creates a freshly initialised model in Hugging Face layout, with a tokenizer copied beside it.</summary>
public static class ModelFactory
{
    /// <summary>The vocabulary a new model needs for this tokenizer (its size, added tokens included).</summary>
    public static int VocabSizeFor(string tokenizerDirectory) => HfTokenizer.Load(tokenizerDirectory).VocabSize;

    /// <summary>Writes config.json, model.safetensors and the tokenizer files of <paramref name="tokenizerDirectory"/>
    /// into <paramref name="outputDirectory"/>. The blueprint's vocabulary must hold every tokenizer id.</summary>
    public static void CreateRandom(ModelBlueprint blueprint, string tokenizerDirectory, string outputDirectory, long seed)
    {
        var tokenizer = HfTokenizer.Load(tokenizerDirectory);
        if (tokenizer.VocabSize > blueprint.VocabSize)
        {
            throw new FieldException(Fields.VocabSize,
                $"vocab_size {blueprint.VocabSize} is smaller than the tokenizer's {tokenizer.VocabSize} tokens ({tokenizerDirectory})");
        }

        var config = ModelRegistry.ReadConfig(blueprint.ToConfigJson());
        using var model = ModelRegistry.Build(config, ModelOptions.Default);
        ModelInitializer.Initialize(model, seed);
        HfModelSaver.Save(model, outputDirectory, sourceDirectory: tokenizerDirectory);
    }
}
