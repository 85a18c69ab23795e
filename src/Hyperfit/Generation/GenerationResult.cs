namespace Hyperfit.Generation;

/// <summary>One generated continuation.</summary>
/// <param name="TokenIds">The new tokens only (context excluded); with StopAtEos it ends with the EOS id.</param>
/// <param name="Citations">Citation-blocker counts for this text (all zero without a blocker).</param>
/// <param name="StoppedAtEos">True when StopAtEos was set and the row emitted an EOS id (its last token).</param>
public sealed record GenerationResult(int[] TokenIds, CitationStats Citations, bool StoppedAtEos);
