using Hyperfit.Models;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tests.Models;
using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

/// <summary>The README promises hyperfitting for every family and bf16 training with a tied head; the trainer test
/// above uses a float32 Llama. Here GPT-2 and Qwen2, and bfloat16 compute with tied heads (Qwen2, Llama with GQA
/// and llama3 rope), must each reach the hyperfitting regime (training loss &lt; 0.05) on random sequences.</summary>
public sealed class FamilyTrainingTests
{
    [Theory]
    [InlineData("gpt2", "float32")]
    [InlineData("qwen2", "float32")]
    [InlineData("qwen2", "bfloat16")]
    [InlineData("llama-gqa-tied-llama3", "bfloat16")]
    public void Should_hyperfit_every_family_to_near_zero_loss(string family, string dtype)
    {
        // Given a tiny model of the family and 16 random sequences of 24 tokens within its vocabulary
        using var dir = new TempDirectory();
        var config = TinyConfigs.ByName(family);
        var model = ModelRegistry.Build(ModelRegistry.ReadConfig(config), ModelOptions.Default);
        ModelInitializer.Initialize(model, seed: 5);
        var vocab = model.Config.VocabSize;
        var tied = model.Config.TieWordEmbeddings;
        var embeddingName = family == "gpt2" ? "transformer.wte.weight" : "model.embed_tokens.weight";
        var before = model.state_dict()[embeddingName].clone();
        var recipe = TrainingFixtures.SmallRecipe() with { MaxUpdates = 150, DType = dtype };
        var random = new Random(11);
        var documents = Enumerable.Range(0, 40)
            .Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, 28).Select(_ => random.Next(3, vocab)).ToArray()).ToList();
        using var trainer = new HyperfitTrainer(model, SequenceDataset.FromDocuments(documents, recipe), recipe, dir.Path);
        trainer.Setup();

        // When it trains for 150 updates
        var outcome = trainer.Train();

        // Then the training loss is near zero, and a tied head trained through the shared embedding
        Assert.False(outcome.Cancelled);
        Assert.True(outcome.LastTrainLoss < 0.05, $"{family} {dtype}: last loss {outcome.LastTrainLoss}");
        using var after = model.state_dict()[embeddingName];
        Assert.True((after - before).abs().max().item<float>() > 1e-3, "the embedding did not move");
        Assert.Equal(tied, !model.state_dict().ContainsKey("lm_head.weight"));
        before.Dispose();
    }
}
