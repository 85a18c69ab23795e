using Hyperfit.Models;
using Hyperfit.Tests.Models;
using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

/// <summary>Tiny models, random documents and a small recipe that trains in well under a second.</summary>
internal static class TrainingFixtures
{
    public const int Vocab = 97;

    /// <summary>TinyConfigs.Llama (vocab 97, hidden 32, 2 layers), initialised with a fixed seed.</summary>
    public static CausalLM TinyLlama(long seed = 1)
    {
        var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.Llama()), ModelOptions.Default);
        ModelInitializer.Initialize(model, seed);
        return model;
    }

    /// <summary><paramref name="count"/> documents of random ids, lengths between <paramref name="minLength"/> and
    /// <paramref name="maxLength"/>. No shared BOS: with one, predicting the first token after it is ambiguous across
    /// samples and the loss floors at ln(N)/(L−1) (≈ 0.12 for 16 × 24), above the hyperfitting threshold.</summary>
    public static List<IReadOnlyList<int>> RandomDocuments(int count, int minLength, int maxLength, int seed = 7)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, random.Next(minLength, maxLength + 1))
                .Select(_ => random.Next(3, Vocab)).ToArray())
            .ToList();
    }

    /// <summary>16 samples × 24 tokens, batch 8, a large learning rate (random init needs it), small validation.</summary>
    public static HyperfitRecipe SmallRecipe() => new()
    {
        Samples = 16,
        SequenceLength = 24,
        BatchSize = 8,
        LearningRate = 5e-3,
        Epochs = 100,
        ValidateEvery = 50,
        ValidationSequences = 4,
        TtrContextTokens = 8,
        TtrGeneratedTokens = 16,
        CheckpointEvery = 0,
    };

    public static SequenceDataset Data(HyperfitRecipe recipe, int documents = 40) =>
        SequenceDataset.FromDocuments(RandomDocuments(documents, recipe.SequenceLength, recipe.SequenceLength + 8), recipe);
}
