namespace Hyperfit.Experiments;

/// <summary>Hyperfitting data as a model reads it: a file (absolute path) and the field holding the text. Two models
/// hyperfitted on equal datasets share one tokenize step (citation blocking and dataset metrics read its output).</summary>
public sealed record HyperfitDataset(string File, string TextField);
