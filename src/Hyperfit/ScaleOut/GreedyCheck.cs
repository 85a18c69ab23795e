namespace Hyperfit.ScaleOut;

/// <summary>Hyperfit's greedy continuations of the validation contexts with the imported model, against the last
/// ones the job logged.</summary>
public sealed record GreedyCheck(int Contexts, int Equal, int NewTokens);
