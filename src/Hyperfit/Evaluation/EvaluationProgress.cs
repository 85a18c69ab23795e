namespace Hyperfit.Evaluation;

/// <summary>Where an evaluation is: a stage (<c>dataset</c>, <c>scoring</c>) and, for scoring, which model of how many.</summary>
public sealed record EvaluationProgress(string Stage, int Done, int Total, string? Detail = null);
