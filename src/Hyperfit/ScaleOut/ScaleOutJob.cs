namespace Hyperfit.ScaleOut;

/// <summary><c>JOB/job.json</c>: what <c>hyperfit export-job</c> handed to the PyTorch engine, read back by the job's
/// <c>train.py</c> and by <c>hyperfit import-run</c>. The recipe itself is <see cref="RecipeFile"/> (Hyperfit's recipe
/// format, so <c>hyperfit train --config JOB/recipe.json</c> runs the same recipe); the token ids, the per-update
/// batches and learning rates are <see cref="JobDataInfo.File"/>.</summary>
public sealed record ScaleOutJob(
    int Format,
    string JobId,
    ScaleOutEngine Engine,
    int Nodes,
    int ProcessesPerNode,
    int WorldSize,
    ScaleOutPrecision Precision,
    bool GradientCheckpointing,
    int GlobalBatchSize,
    int PerDeviceBatchSize,
    int MicroBatchSize,
    string RecipeFile,
    string OutputDirectory,
    JobModelInfo Model,
    JobDataInfo Data,
    JobScheduleInfo Schedule,
    IReadOnlyList<string> LogKeys)
{
    public const string FileName = "job.json";

    public const int CurrentFormat = 1;

    /// <summary>Where the job's script writes (relative to the job folder): log, checkpoint, final model.</summary>
    public const string DefaultOutputDirectory = "output";
}
