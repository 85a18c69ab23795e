namespace Hyperfit.Evaluation.Downstream;

/// <summary>What a model answered to one <see cref="PreparedQuestion"/>.</summary>
internal sealed record QuestionAnswer(int Predicted, int? PredictedNorm, double[]? Scores, string? Generated, float[]? ContextLogProbs);
