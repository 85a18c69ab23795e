namespace Hyperfit.Evaluation.Downstream;

/// <summary>One question to score: the context's token ids and each answer's continuation ids.</summary>
/// <param name="Context">Token ids of the prompt (BOS included when the tokenizer adds one); at least one.</param>
/// <param name="Continuations">Ids of each answer continuation (each at least one), scored after the context.</param>
/// <param name="ScoreContext">Also return the log-probability of every context token after the first (for the
/// prompt perplexity of Table 7).</param>
public sealed record ChoiceRequest(int[] Context, IReadOnlyList<int[]> Continuations, bool ScoreContext = false);
