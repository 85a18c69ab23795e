namespace Hyperfit.Training;

/// <summary>Reported after every update (for a progress bar).</summary>
public sealed record TrainingProgress(long Update, long TotalUpdates, long Epoch, float Loss, double TokensPerSecond);
