namespace Hyperfit.Training;

/// <summary>How a <see cref="TrainingJob"/> ended.</summary>
/// <param name="Cancelled">Stopped on request after writing a checkpoint (resume to continue).</param>
/// <param name="StartUpdate">The update the run started from (0, or the checkpoint's on resume).</param>
/// <param name="Updates">The update it reached.</param>
/// <param name="LastTrainLoss">Loss of the last update run now; null when none ran (a finished run resumed).</param>
/// <param name="FinalModel">final/ (null when cancelled).</param>
/// <param name="Checkpoint">The checkpoint left behind (null when dropped or never written).</param>
/// <param name="CheckpointBytes">The size of one checkpoint (float32 weights and Adam's moments).</param>
/// <param name="CheckpointDropped">The checkpoint was deleted as asked.</param>
public sealed record TrainingJobOutcome(
    bool Cancelled,
    long StartUpdate,
    long Updates,
    long TotalUpdates,
    float? LastTrainLoss,
    string? FinalModel,
    string LogPath,
    string? Checkpoint,
    long CheckpointBytes,
    bool CheckpointDropped)
{
    /// <summary>A finished run resumed with nothing left to train.</summary>
    public bool NothingToTrain => !Cancelled && Updates == StartUpdate;
}
