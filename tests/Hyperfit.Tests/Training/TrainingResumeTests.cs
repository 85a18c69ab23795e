using Hyperfit.Tests.Checkpoints;
using Hyperfit.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Training;

public sealed class TrainingResumeTests
{
    private static readonly HyperfitRecipe Recipe = TrainingFixtures.SmallRecipe() with
    {
        MaxUpdates = 10, ValidateEvery = 3, CheckpointEvery = 4, BatchSize = 6, GradientAccumulationSteps = 2,
    };

    private static HyperfitTrainer NewTrainer(string dir, bool resume = false, HyperfitRecipe? recipe = null)
    {
        recipe ??= Recipe;
        var trainer = new HyperfitTrainer(TrainingFixtures.TinyLlama(), TrainingFixtures.Data(recipe), recipe, dir,
            new TrainerOptions(ModelIdentity: "tiny-llama-seed-1", Resume: resume));
        trainer.Setup();
        return trainer;
    }

    /// <summary>Runs until <paramref name="stopAfter"/> updates, then cancels (which writes a checkpoint).</summary>
    private static void RunAndCancel(HyperfitTrainer trainer, int stopAfter)
    {
        using var cancel = new CancellationTokenSource();
        var outcome = trainer.Train(p =>
        {
            if (p.Update == stopAfter)
            {
                cancel.Cancel();
            }
        }, cancel.Token);
        Assert.True(outcome.Cancelled);
        Assert.Equal(stopAfter, outcome.Updates);
    }

    private static void AssertBitEqual(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.True(expected.bytes.SequenceEqual(actual.bytes), $"{what} differs");
    }

    [Fact]
    public void Should_restore_weights_and_adam_state_bit_exactly()
    {
        // Given a run stopped after 5 updates (mid-epoch: 16 samples, batch 6), which wrote a checkpoint
        using var dir = new TempDirectory();
        using var stopped = NewTrainer(dir.Path);
        RunAndCancel(stopped, 5);

        // When a fresh trainer resumes from it
        using var resumed = NewTrainer(dir.Path, resume: true);

        // Then position, weights, Adam's exp_avg / exp_avg_sq / step and the log are exactly the stopped run's
        Assert.Equal(stopped.Position, resumed.Position);
        Assert.Equal(new TrainingPosition(Epoch: 1, IndexInEpoch: 12, UpdateCounter: 5), resumed.Position); // batches 6, 6, 4 per epoch
        var a = stopped.Step!.Optimizer.state_dict().State;
        var b = resumed.Step!.Optimizer.state_dict().State;
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            var (sa, sb) = ((Adam.State)a[i], (Adam.State)b[i]);
            Assert.Equal(5, sb.step);
            Assert.Equal(sa.step, sb.step);
            AssertBitEqual(sa.exp_avg, sb.exp_avg, $"exp_avg {i}");
            AssertBitEqual(sa.exp_avg_sq, sb.exp_avg_sq, $"exp_avg_sq {i}");
        }

        var pa = stopped.Step.Optimizer.parameters().ToList();
        var pb = resumed.Step.Optimizer.parameters().ToList();
        for (var i = 0; i < pa.Count; i++)
        {
            AssertBitEqual(pa[i], pb[i], $"parameter {i}");
        }

        Assert.Equal(stopped.Log.Select(e => (e.UpdateCounter, e.TrainLoss, e.ValLoss)), resumed.Log.Select(e => (e.UpdateCounter, e.TrainLoss, e.ValLoss)));
    }

    [Fact]
    public void Should_finish_a_resumed_run_exactly_like_an_uninterrupted_one()
    {
        // Given an uninterrupted 10-update run, and one stopped after 5 updates and resumed in a new trainer
        using var straightDir = new TempDirectory();
        using var resumedDir = new TempDirectory();
        using var straight = NewTrainer(straightDir.Path);
        straight.Train();
        using (var first = NewTrainer(resumedDir.Path))
        {
            RunAndCancel(first, 5);
        }

        // When the resumed run finishes
        using var resumed = NewTrainer(resumedDir.Path, resume: true);
        resumed.Train();

        // Then its weights equal the uninterrupted run's bit for bit, and so do the logs
        var pa = straight.Step!.Optimizer.parameters().ToList();
        var pb = resumed.Step!.Optimizer.parameters().ToList();
        for (var i = 0; i < pa.Count; i++)
        {
            AssertBitEqual(pa[i], pb[i], $"parameter {i}");
        }

        Assert.Equal(File.ReadAllText(straight.LogPath), File.ReadAllText(resumed.LogPath));
    }

    [Fact]
    public void Should_refuse_to_resume_with_another_recipe_and_change_nothing()
    {
        // Given a checkpoint written with learning rate 5e-3
        using var dir = new TempDirectory();
        using (var first = NewTrainer(dir.Path))
        {
            RunAndCancel(first, 4);
        }

        var state = File.ReadAllText(Path.Combine(dir.Path, TrainingCheckpoint.DirectoryName, TrainingCheckpoint.StateFileName));

        // When a run with another learning rate asks to resume it
        var error = Assert.Throws<TrainingException>(() => NewTrainer(dir.Path, resume: true, Recipe with { LearningRate = 1e-3 }));

        // Then one line names the differing field, and the checkpoint is untouched
        Assert.Contains("learning_rate", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(state, File.ReadAllText(Path.Combine(dir.Path, TrainingCheckpoint.DirectoryName, TrainingCheckpoint.StateFileName)));
    }

    [Fact]
    public void Should_refuse_to_start_fresh_over_an_existing_checkpoint()
    {
        // Given an output folder holding a checkpoint
        using var dir = new TempDirectory();
        using (var first = NewTrainer(dir.Path))
        {
            RunAndCancel(first, 4);
        }

        // When a new run (without resume) is set up there
        var error = Assert.Throws<TrainingException>(() => NewTrainer(dir.Path));

        // Then it names the resume field (the CLI shows it as --resume)
        Assert.Equal(Fields.Resume, error.Field);
        Assert.StartsWith("resume is off", error.Message, StringComparison.Ordinal);
    }
}
