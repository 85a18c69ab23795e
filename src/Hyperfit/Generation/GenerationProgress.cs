namespace Hyperfit.Generation;

/// <summary>Reported after each batch and every 64 generated tokens.</summary>
/// <param name="Contexts">Contexts in the job.</param>
/// <param name="ContextsDone">Contexts whose continuation is finished.</param>
/// <param name="Tokens">Tokens generated so far.</param>
/// <param name="BatchFinished">True for the report after a batch, false for those within one.</param>
public sealed record GenerationProgress(int Contexts, int ContextsDone, long Tokens, TimeSpan Elapsed, bool BatchFinished)
{
    public double TokensPerSecond => Tokens / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
