namespace Hyperfit.Experiments;

/// <summary>results.json of an image experiment.</summary>
/// <param name="Layout">raw or start-token: printed in every report, since the two train and complete differently.</param>
/// <param name="Grids">PNG files (relative to the output folder): one row per image, columns original | base | hyperfitted.</param>
/// <param name="Figure">Figure 10 (training and validation loss per epoch) of the first seed, relative path; null if not drawn.</param>
public sealed record ImageExperimentResults(
    string SpecHash,
    string SpecFile,
    string BaseModel,
    string Layout,
    int Width,
    int Height,
    int ContextRows,
    IReadOnlyList<ImageTrainingSummary> Training,
    IReadOnlyList<ImageCompletionMetrics> Completions,
    IReadOnlyList<string> Grids,
    string? Figure);
