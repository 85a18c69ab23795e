namespace Hyperfit.Training;

/// <summary>How the learning rate moves over updates. Hyperfitting (§3) uses a constant rate; pre-training warms up
/// linearly and then decays along a cosine.</summary>
public enum LearningRateSchedule
{
    Constant,

    /// <summary>Linear warmup over <c>warmup_updates</c> to <c>learning_rate</c>, then a half cosine down to
    /// <c>min_learning_rate_ratio</c> × <c>learning_rate</c> at the last update.</summary>
    WarmupCosine,
}

/// <summary>Learning rate at an update.</summary>
public static class LearningRateSchedules
{
    /// <param name="recipe">A recipe whose <see cref="HyperfitRecipe.TotalUpdates"/> is known (samples resolved).</param>
    /// <param name="update">Zero-based update about to be applied.</param>
    public static double At(HyperfitRecipe recipe, long update) => recipe.LearningRateSchedule switch
    {
        LearningRateSchedule.Constant => recipe.LearningRate,
        LearningRateSchedule.WarmupCosine => WarmupCosine(recipe.LearningRate, recipe.MinLearningRateRatio * recipe.LearningRate,
            recipe.WarmupUpdates, recipe.TotalUpdates, update),
        _ => throw new ArgumentOutOfRangeException(nameof(recipe), $"learning_rate_schedule {recipe.LearningRateSchedule} is not implemented"),
    };

    /// <summary>Update u (zero-based) of a run of <paramref name="total"/> updates: (u + 1) / W × peak while
    /// u &lt; W (so the first update is not wasted at lr 0), then min + (peak − min) · ½(1 + cos(π·p)) with
    /// p = (u − W) / (total − W − 1), which reaches exactly min at the last update.</summary>
    public static double WarmupCosine(double peak, double min, long warmup, long total, long update)
    {
        if (update < warmup)
        {
            return peak * (update + 1) / warmup;
        }

        var decaySteps = total - warmup - 1;
        var progress = decaySteps <= 0 ? 1.0 : Math.Clamp((double)(update - warmup) / decaySteps, 0.0, 1.0);
        return min + (peak - min) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
