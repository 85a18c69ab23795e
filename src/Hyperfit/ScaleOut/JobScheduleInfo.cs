namespace Hyperfit.ScaleOut;

/// <summary>When the run validates and checkpoints.</summary>
/// <param name="ValidateAfter">Update counts after which the run validates (0: before the first update), as
/// <see cref="Training.TrainingSchedule.ValidatesAfter"/> decides.</param>
public sealed record JobScheduleInfo(long TotalUpdates, int UpdatesPerEpoch, IReadOnlyList<long> ValidateAfter, int CheckpointEvery);
