namespace Hyperfit.Data;

/// <summary>A hyperfitting dataset as a job names it: a file (read by <see cref="DatasetReader"/>) and the JSONL field or
/// Parquet column holding the text. In a spec, two models hyperfitted on equal datasets share one tokenize step
/// (citation blocking and dataset metrics read its output).</summary>
public sealed record HyperfitDataset(string File, string TextField = "text");
