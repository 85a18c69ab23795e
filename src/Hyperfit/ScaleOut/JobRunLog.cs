namespace Hyperfit.ScaleOut;

/// <summary><c>JOB/output/training_log.json</c> as the job's <c>train.py</c> writes it: Hyperfit's log layout
/// (<c>{"config", "logs"}</c>, the official keys) with the generated ids beside the texts, so
/// <c>hyperfit import-run</c> can decode them with Hyperfit's tokenizer and recompute the TTR.</summary>
public sealed record JobRunLog(JobRunConfig Config, IReadOnlyList<JobRunLogEntry> Logs)
{
    public const string FileName = "training_log.json";
}
