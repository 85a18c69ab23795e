namespace Hyperfit.Evaluation.Downstream;

/// <summary>A question with the prompt that fits: the shots actually used, its tokens, and what gets scored.</summary>
/// <param name="Choices">The answer texts (letters or words, without the leading space).</param>
/// <param name="Continuations">Official: each answer letter's id; harness: each answer continuation's ids; generate: empty.</param>
internal sealed record PreparedQuestion(int ShotsUsed, string Prompt, int[] ContextIds, IReadOnlyList<string> Choices, int[][] Continuations, bool ScoreContext);
