namespace Hyperfit.ScaleOut;

/// <summary>One validation entry: the keys of <see cref="Training.TrainingLogEntry"/> plus <see cref="ValGenIds"/>.</summary>
public sealed record JobRunLogEntry(
    double? TrainLoss,
    long UpdateCounter,
    double Epoch,
    double? ValLoss,
    double? ValEntropy,
    double? ValTtr,
    IReadOnlyList<string> ValGenSeqs,
    IReadOnlyList<int[]> ValGenIds);
