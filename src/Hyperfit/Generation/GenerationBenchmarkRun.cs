namespace Hyperfit.Generation;

/// <summary>One measured configuration.</summary>
/// <param name="Name">e.g. "kv-cache".</param>
/// <param name="Batch">Rows generated together.</param>
/// <param name="NewTokens">Tokens generated per row.</param>
/// <param name="Seconds">Wall time of the run (after a warm-up run).</param>
public sealed record GenerationBenchmarkRun(string Name, int Batch, int NewTokens, double Seconds)
{
    /// <summary>New tokens per second over all rows.</summary>
    public double TokensPerSecond => Batch * NewTokens / Seconds;
}
