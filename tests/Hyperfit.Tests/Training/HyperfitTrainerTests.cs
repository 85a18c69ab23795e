using System.Text.Json.Nodes;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class HyperfitTrainerTests
{
    [Fact]
    public void Should_hyperfit_a_tiny_model_and_log_the_official_keys()
    {
        // Given a tiny Llama and 16 random sequences of 24 tokens
        using var dir = new TempDirectory();
        var recipe = TrainingFixtures.SmallRecipe() with { MaxUpdates = 150 };
        using var trainer = new HyperfitTrainer(TrainingFixtures.TinyLlama(), TrainingFixtures.Data(recipe), recipe, dir.Path);
        trainer.Setup();

        // When it trains for 150 updates
        var outcome = trainer.Train();

        // Then the training loss is near zero and the log holds the official keys at 0, 50, 100, 150
        Assert.False(outcome.Cancelled);
        Assert.True(outcome.LastTrainLoss < 0.05, $"last loss {outcome.LastTrainLoss}");
        var log = JsonNode.Parse(File.ReadAllText(trainer.LogPath))!;
        var entries = log["logs"]!.AsArray();
        Assert.Equal([0L, 50L, 100L, 150L], entries.Select(e => e!["update_counter"]!.GetValue<long>()));
        foreach (var key in new[] { "train_loss", "update_counter", "epoch", "val_loss", "val_entropy", "val_ttr", "val_gen_seqs" })
        {
            Assert.All(entries, e => Assert.True(e!.AsObject().ContainsKey(key), key));
        }

        var last = entries[^1]!;
        Assert.True(last["val_loss"]!.GetValue<double>() > last["train_loss"]!.GetValue<double>());
        Assert.InRange(last["val_ttr"]!.GetValue<double>(), 0.0, 1.0);
        Assert.Equal(4, last["val_gen_seqs"]!.AsArray().Count);
        Assert.Equal(16, log["config"]!["recipe"]!["samples"]!.GetValue<int>());
    }
}
