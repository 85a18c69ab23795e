namespace Hyperfit.Training;

/// <summary>What one validation pass measures (Figure 2): loss and entropy on held-out sequences, and the TTR of
/// greedy continuations of their first tokens.</summary>
/// <param name="Continuations">Decoded continuations (the official log's <c>val_gen_seqs</c>).</param>
public sealed record ValidationMetrics(double Loss, double Entropy, double MeanTtr, IReadOnlyList<string> Continuations);
