namespace Hyperfit.ScaleOut;

/// <summary><c>JOB/output/training_log.json</c> as the job's <c>train.py</c> writes it: Hyperfit's log layout
/// (<c>{"config", "logs"}</c>, the official keys) with the generated ids beside the texts, so
/// <c>hyperfit import-run</c> can decode them with Hyperfit's tokenizer and recompute the TTR.</summary>
public sealed record JobRunLog(JobRunConfig Config, IReadOnlyList<JobRunLogEntry> Logs)
{
    public const string FileName = "training_log.json";
}

/// <summary>What ran: the job it belongs to and the software it ran on.</summary>
/// <param name="ResumedAt">Update counts at which the run was resumed from its checkpoint.</param>
public sealed record JobRunConfig(
    string JobId,
    string Engine,
    int WorldSize,
    string Precision,
    string Device,
    string? Backend,
    string TorchVersion,
    string TransformersVersion,
    string? AccelerateVersion,
    string PythonVersion,
    IReadOnlyList<long> ResumedAt);

/// <summary>One validation entry: the keys of <see cref="Training.TrainingLogEntry"/> plus <see cref="ValGenIds"/>.</summary>
public sealed record JobRunLogEntry(
    double? TrainLoss,
    long UpdateCounter,
    double Epoch,
    double? ValLoss,
    double? ValEntropy,
    double? ValTtr,
    IReadOnlyList<string> ValGenSeqs,
    IReadOnlyList<int[]> ValGenIds);
