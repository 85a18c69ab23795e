namespace Hyperfit.Training;

/// <summary>How the learning rate moves over updates. Hyperfitting (§3) uses a constant rate; this is the hook a
/// pre-training preset (warmup + cosine) plugs into.</summary>
public enum LearningRateSchedule
{
    Constant,
}

/// <summary>Learning rate at an update.</summary>
public static class LearningRateSchedules
{
    /// <param name="update">Zero-based update about to be applied.</param>
    public static double At(HyperfitRecipe recipe, long update) => recipe.LearningRateSchedule switch
    {
        LearningRateSchedule.Constant => recipe.LearningRate,
        _ => throw new ArgumentOutOfRangeException(nameof(recipe), $"learning_rate_schedule {recipe.LearningRateSchedule} is not implemented"),
    };
}
