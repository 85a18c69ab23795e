using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Should_keep_the_paper_recipe_at_a_constant_rate()
    {
        // Given the paper's recipe
        var recipe = HyperfitRecipe.Paper;

        // When the rate is read at the first, a middle and the last update
        var rates = new[] { 0L, 1000, recipe.TotalUpdates - 1 }.Select(u => LearningRateSchedules.At(recipe, u));

        // Then it is 1e-6 throughout
        Assert.All(rates, r => Assert.Equal(1e-6, r));
    }

    [Fact]
    public void Should_warm_up_linearly_then_decay_along_a_cosine_to_the_minimum()
    {
        // Given warmup_cosine, peak 1e-3, 10 warmup updates, 110 updates in all, ending at 10 %
        var recipe = new HyperfitRecipe
        {
            LearningRate = 1e-3, LearningRateSchedule = LearningRateSchedule.WarmupCosine, WarmupUpdates = 10, MaxUpdates = 110,
            MinLearningRateRatio = 0.1,
        }.Validate();

        // When the rate is read along the run
        double At(long u) => LearningRateSchedules.At(recipe, u);

        // Then it climbs by peak/10 per warmup update, peaks after the warmup, passes the midpoint halfway through the
        // decay (cosine at π/2), ends exactly at 1e-4 and never rises after the peak
        Assert.Equal(1e-4, At(0), 12);
        Assert.Equal(5e-4, At(4), 12);
        Assert.Equal(1e-3, At(9), 12);
        Assert.Equal(1e-3, At(10), 12);
        Assert.Equal(0.55e-3, LearningRateSchedules.WarmupCosine(1e-3, 1e-4, 10, 111, 60), 12);
        Assert.Equal(1e-4, At(109), 12);
        var decay = Enumerable.Range(10, 100).Select(u => At(u)).ToArray();
        Assert.True(decay.Zip(decay.Skip(1)).All(p => p.Second <= p.First));
    }

    [Fact]
    public void Should_reject_warmup_without_the_warmup_cosine_schedule()
    {
        // Given a constant schedule with warmup updates
        var recipe = HyperfitRecipe.Paper with { WarmupUpdates = 5 };

        // When it is validated
        var error = Assert.Throws<FieldException>(() => recipe.Validate());

        // Then the error names both settings
        Assert.Contains("warmup_updates (5) needs learning_rate_schedule warmup_cosine", error.Message);
    }
}
