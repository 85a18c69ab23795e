namespace Hyperfit.Generation;

/// <summary>One measured configuration.</summary>
/// <param name="Name">e.g. "kv-cache".</param>
/// <param name="Batch">Rows generated together.</param>
/// <param name="NewTokens">Tokens generated per row.</param>
/// <param name="Seconds">Wall time of the run (after a warm-up run).</param>
/// <param name="CpuSeconds">Processor time of the process (user + system, all threads) during the run: on a loaded
/// machine it moves much less than the wall time.</param>
/// <param name="DecodePath">What the one-token cached steps ran on: "decode kernel, 512-bit vectors" (or 256, 128:
/// the processor's widest), or "module graph (why)"; "module graph (no cache)" for the recomputed-prefix run.</param>
public sealed record GenerationBenchmarkRun(string Name, int Batch, int NewTokens, double Seconds, double CpuSeconds, string DecodePath)
{
    /// <summary>New tokens per second over all rows.</summary>
    public double TokensPerSecond => Batch * NewTokens / Seconds;
}
