namespace Hyperfit.Experiments;

/// <summary>One set of completions (a model's, or the original images themselves as the reference), averaged over the
/// completed images. Ratios in [0, 1]; distances are mean absolute 8-bit channel differences over the generated rows
/// (0 … 255). Null: not applicable (the originals have no error against themselves).</summary>
/// <param name="Label">base, hyperfitted, or original.</param>
/// <param name="RepeatedRows">Share of generated rows equal to the row above.</param>
/// <param name="NearlyRepeatedRows">Share of generated rows differing from the row above in at most 10% of their pixels.</param>
/// <param name="GeneratedTtr">Distinct cluster ids / generated pixels, averaged over images.</param>
/// <param name="PixelError">Distance to the (quantised) original image.</param>
/// <param name="IdAccuracy">Share of generated pixels with the original's cluster id.</param>
/// <param name="NearestHyperfitDistance">Distance to the closest hyperfitting image (copying: ≈ 0 means recited).</param>
/// <param name="Copies">Images whose closest hyperfitting image is nearer than <see cref="ImageExperimentReport.CopyDistance"/>.</param>
public sealed record ImageCompletionMetrics(
    string Label,
    long? Seed,
    int Images,
    double? RepeatedRows,
    double? NearlyRepeatedRows,
    double? GeneratedTtr,
    double? PixelError,
    double? IdAccuracy,
    double? NearestHyperfitDistance,
    int Copies);
