namespace Hyperfit.Evaluation.Downstream;

/// <summary>One answered (or skipped) question, a line of the predictions JSONL written beside the results.</summary>
/// <param name="Group">MMLU subject or GLUE task.</param>
/// <param name="Index">Position in the evaluated split of that subject or task (0-based, file order).</param>
/// <param name="Shots">Shots asked for.</param>
/// <param name="ShotsUsed">Shots in the prompt scored; null when skipped.</param>
/// <param name="Gold">Correct answer index.</param>
/// <param name="Predicted">Chosen answer index; −1 when skipped or (generate) no answer word was found.</param>
/// <param name="PredictedNorm">Harness mode: the <c>acc_norm</c> choice; else null.</param>
/// <param name="Scores">Official: the four letter logits' log-softmax values; harness: per-answer log-likelihoods;
/// null in generate mode and when skipped.</param>
/// <param name="Generated">Generate mode: the decoded text (up to the first line break); else null.</param>
/// <param name="PromptTokens">Tokens of the scored prompt; null when skipped.</param>
/// <param name="Skipped">True when even the 0-shot prompt does not fit the context.</param>
public sealed record DownstreamPrediction(
    string Model, string Group, int Index, int Shots, int? ShotsUsed, int Gold, int Predicted, int? PredictedNorm,
    IReadOnlyList<double>? Scores, string? Generated, int? PromptTokens, bool Skipped);
