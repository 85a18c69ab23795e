namespace Hyperfit.Evaluation.Downstream;

/// <summary>Scores of one <see cref="ChoiceRequest"/>.</summary>
/// <param name="LogLikelihoods">Per answer: Σ log p(continuation token | everything before it), float32 log-softmax.</param>
/// <param name="Greedy">Per answer: whether every continuation token is the arg-max at its position (the harness's
/// <c>is_greedy</c>).</param>
/// <param name="ContextLogProbs">With <see cref="ChoiceRequest.ScoreContext"/>: log p of context tokens 2 … n, else null.</param>
public sealed record ChoiceScores(double[] LogLikelihoods, bool[] Greedy, float[]? ContextLogProbs);
