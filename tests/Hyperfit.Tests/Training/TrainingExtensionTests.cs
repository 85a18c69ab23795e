using Hyperfit.Tests.Checkpoints;
using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

/// <summary>Checkpoints by time, extending a finished run, and the disk-space plan (issue: long runs survive interruptions).</summary>
public sealed class TrainingExtensionTests
{
    private static readonly HyperfitRecipe Recipe = TrainingFixtures.SmallRecipe() with { MaxUpdates = 6, ValidateEvery = 3, CheckpointEvery = 0 };

    /// <summary>A clock the test moves by hand (also its timestamps).</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;

        public override long GetTimestamp() => Now.UtcTicks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    private static HyperfitTrainer NewTrainer(string dir, HyperfitRecipe recipe, bool resume = false, TimeSpan? interval = null, TimeProvider? clock = null)
    {
        var trainer = new HyperfitTrainer(TrainingFixtures.TinyLlama(), TrainingFixtures.Data(recipe), recipe, dir,
            new TrainerOptions(ModelIdentity: "tiny", Resume: resume, CheckpointInterval: interval, Clock: clock));
        trainer.Setup();
        return trainer;
    }

    [Fact]
    public void Should_checkpoint_when_the_interval_has_passed_since_the_last_checkpoint()
    {
        // Given updates that take 3 minutes each and a 5-minute checkpoint interval (no update-count checkpoints)
        using var dir = new TempDirectory();
        var clock = new ManualClock();
        using var trainer = NewTrainer(dir.Path, Recipe, interval: TimeSpan.FromMinutes(5), clock: clock);
        var checkpointsSeen = new List<long>();

        // When it trains 6 updates
        trainer.Train(p =>
        {
            clock.Now += TimeSpan.FromMinutes(3);
            if (TrainingCheckpoint.Find(dir.Path) is { } c)
            {
                checkpointsSeen.Add(TrainingCheckpoint.ReadState(c).Position.UpdateCounter);
            }
        });

        // Then checkpoints were written after updates 2 (6 min) and 4 (6 min later), not after the last one
        Assert.Equal(4, TrainingCheckpoint.ReadState(TrainingCheckpoint.Find(dir.Path)!).Position.UpdateCounter);
        Assert.Equal([2L, 2L, 4L, 4L], checkpointsSeen); // seen at the progress of updates 3…6
    }

    [Fact]
    public void Should_extend_a_finished_constant_rate_run_exactly_like_a_longer_uninterrupted_one()
    {
        // Given a finished 6-update run (its checkpoint written at the end) and an uninterrupted 10-update run
        using var shortDir = new TempDirectory();
        using var longDir = new TempDirectory();
        var longer = Recipe with { MaxUpdates = 10 };
        using (var first = NewTrainer(shortDir.Path, Recipe))
        {
            first.Train();
            first.SaveCheckpoint();
        }

        using var straight = NewTrainer(longDir.Path, longer);
        straight.Train();

        // When the finished run is resumed with 10 updates
        using var extended = NewTrainer(shortDir.Path, longer, resume: true);
        var outcome = extended.Train();

        // Then it runs the 4 missing updates and ends with the longer run's weights
        Assert.Equal(10, outcome.Updates);
        var pa = straight.Step!.Optimizer.parameters().ToList();
        var pb = extended.Step!.Optimizer.parameters().ToList();
        Assert.All(pa.Zip(pb), p => Assert.True(p.First.bytes.SequenceEqual(p.Second.bytes)));
    }

    [Fact]
    public void Should_refuse_to_extend_a_run_whose_learning_rate_depends_on_its_length_or_to_shrink_below_its_position()
    {
        using var dir = new TempDirectory();
        var cosine = Recipe with { LearningRateSchedule = LearningRateSchedule.WarmupCosine, WarmupUpdates = 2 };
        using (var first = NewTrainer(dir.Path, cosine))
        {
            first.Train();
            first.SaveCheckpoint();
        }

        var e = Assert.Throws<TrainingException>(() => NewTrainer(dir.Path, cosine with { MaxUpdates = 10 }, resume: true));
        Assert.Contains("only a constant-rate run can be extended; nothing was changed", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<TrainingException>(() => NewTrainer(dir.Path, cosine with { MaxUpdates = 4 }, resume: true));
        Assert.Contains("is at update 6, past this recipe's 4 updates", e.Message, StringComparison.Ordinal);
        using var again = NewTrainer(dir.Path, cosine with { CheckpointEvery = 3 }, resume: true); // checkpoint_every may change
        Assert.Equal(6, again.Position.UpdateCounter);
    }

    [Fact]
    public void Should_plan_two_checkpoints_and_the_final_model_less_the_checkpoint_already_there()
    {
        using var dir = new TempDirectory();
        var plan = DiskSpacePlan.For(1_000_000, dir.File("not-yet"));
        Assert.Equal((12_000_000L, 4_000_000L, 28_000_000L), (plan.CheckpointBytes, plan.FinalBytes, plan.NeededBytes));
        Assert.True(plan.FreeBytes > 0);

        Directory.CreateDirectory(dir.File("run/checkpoint"));
        File.WriteAllText(dir.File("run/checkpoint/trainer_state.json"), "{}");
        File.WriteAllBytes(dir.File("run/checkpoint/model.safetensors"), new byte[1000]);
        Assert.Equal(28_000_000L - 1002, DiskSpacePlan.For(1_000_000, dir.File("run")).NeededBytes);

        var e = Assert.Throws<TrainingException>(() => new DiskSpacePlan(12L << 30, 4L << 30, 28L << 30, 1L << 30).Require("x"));
        Assert.Equal("output x: 1.0 GiB free, training needs about 28.0 GiB (checkpoints 12.0 GiB each, two during a swap, + final model 4.0 GiB); free space or choose another folder",
            e.Message);
    }
}
