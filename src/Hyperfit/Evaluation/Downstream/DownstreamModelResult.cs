namespace Hyperfit.Evaluation.Downstream;

/// <summary>Every run of one model: MMLU (one entry per shot count) or GLUE (per task and shot count).</summary>
/// <param name="Model">The model folder as given.</param>
/// <param name="Name">Its folder name, the label in tables.</param>
public sealed record DownstreamModelResult(string Model, string Name, IReadOnlyList<MmluRunResult>? Mmlu, IReadOnlyList<GlueRunResult>? Glue, double Seconds);
