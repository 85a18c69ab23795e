namespace Hyperfit.Training;

/// <summary>How <see cref="HyperfitTrainer.Train"/> ended.</summary>
/// <param name="Cancelled">Stopped early on request (a checkpoint was written).</param>
/// <param name="LastTrainLoss">Loss of the last update (NaN when none ran).</param>
public sealed record TrainingOutcome(bool Cancelled, long Updates, float LastTrainLoss);
