namespace Hyperfit.HumanStudy;

/// <summary>How the report's bootstrap intervals were drawn.</summary>
/// <param name="Resamples">Resamples per interval.</param>
/// <param name="Seed">Seed of every interval's generator (each interval restarts from it).</param>
/// <param name="Confidence">Coverage (0.95).</param>
/// <param name="Method">"percentile": the type-7 quantiles at (1 ∓ confidence)/2 of the resampled statistic.</param>
/// <param name="Unit">What a resample draws.</param>
public sealed record BootstrapSettings(int Resamples, int Seed, double Confidence, string Method, string Unit);
