namespace Hyperfit.ScaleOut;

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
