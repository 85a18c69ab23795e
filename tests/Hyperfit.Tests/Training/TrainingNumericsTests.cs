using Hyperfit.Tests.Checkpoints;
using Hyperfit.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Training;

public sealed class TrainingNumericsTests
{
    [Fact]
    public void Should_lower_the_loss_with_bfloat16_compute_and_float32_master_weights()
    {
        // Given a bfloat16 recipe
        using var dir = new TempDirectory();
        var recipe = TrainingFixtures.SmallRecipe() with { DType = "bfloat16", MaxUpdates = 40, ValidateEvery = 0 };
        using var trainer = new HyperfitTrainer(TrainingFixtures.TinyLlama(), TrainingFixtures.Data(recipe), recipe, dir.Path);
        trainer.Setup();
        var losses = new List<float>();

        // When it trains 40 updates
        trainer.Train(p => losses.Add(p.Loss));

        // Then the loss falls well below its start, and the master weights are still float32
        Assert.True(losses[^1] < losses[0] * 0.5, $"first {losses[0]}, last {losses[^1]}");
        Assert.All(trainer.Step!.Optimizer.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void Should_stop_on_a_non_finite_loss_naming_the_update()
    {
        // Given a model whose embedding holds a NaN
        using var dir = new TempDirectory();
        var recipe = TrainingFixtures.SmallRecipe() with { MaxUpdates = 5, ValidateEvery = 0 };
        var model = TrainingFixtures.TinyLlama();
        using (no_grad())
        {
            model.parameters().First().fill_(double.NaN);
        }

        using var trainer = new HyperfitTrainer(model, TrainingFixtures.Data(recipe), recipe, dir.Path);
        trainer.Setup();

        // When it trains
        var error = Assert.Throws<TrainingException>(() => trainer.Train());

        // Then one line names update 1 and says no checkpoint was written
        Assert.StartsWith("update 1: training loss is NaN", error.Message, StringComparison.Ordinal);
        Assert.Null(TrainingCheckpoint.Find(dir.Path));
    }

    [Fact]
    public void Should_not_leave_live_tensors_behind_across_updates()
    {
        // Given a trainer that also validates and checkpoints
        using var dir = new TempDirectory();
        var recipe = TrainingFixtures.SmallRecipe() with { MaxUpdates = 24, ValidateEvery = 4, CheckpointEvery = 4, GradientAccumulationSteps = 2 };
        using var trainer = new HyperfitTrainer(TrainingFixtures.TinyLlama(), TrainingFixtures.Data(recipe), recipe, dir.Path);
        trainer.Setup();
        var live = new Dictionary<long, long>();

        // When it trains, counting live tensors after updates 8 and 24
        trainer.Train(p =>
        {
            if (p.Update is 8 or 24)
            {
                live[p.Update] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            }
        });

        // Then the count does not grow with the number of updates
        Assert.Equal(live[8], live[24]);
    }
}
