namespace Hyperfit.ScaleOut;

/// <summary>What <see cref="RunImporter.Import"/> wrote: a run folder in <c>hyperfit train</c>'s layout.</summary>
/// <param name="Greedy">The greedy re-generation check, when asked for.</param>
public sealed record ImportedRun(string RunDirectory, string FinalDirectory, string LogPath, long Updates, int Entries,
    double? LastTrainLoss, double? LastValLoss, GreedyCheck? Greedy);
