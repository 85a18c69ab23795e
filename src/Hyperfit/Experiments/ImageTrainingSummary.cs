namespace Hyperfit.Experiments;

/// <summary>One hyperfitting run of an image experiment, from its training_log.json (Figure 10).</summary>
public sealed record ImageTrainingSummary(
    long Seed,
    int Samples,
    int ValidationImages,
    long Updates,
    double Epochs,
    double? FirstValidationLoss,
    double? LastValidationLoss,
    double? LastTrainingLoss,
    string Log);
