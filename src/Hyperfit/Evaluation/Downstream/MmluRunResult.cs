namespace Hyperfit.Evaluation.Downstream;

/// <summary>MMLU with one number of shots, for one model.</summary>
/// <param name="Shots">Shots asked for (k); a prompt that does not fit the context gets fewer (official rule).</param>
/// <param name="Questions">Questions in the evaluated split (after <c>--limit</c>).</param>
/// <param name="Scored">Questions answered: all but those whose prompt does not fit even with 0 shots.</param>
/// <param name="SkippedTooLong">Questions left out because even the 0-shot prompt is longer than the context.</param>
/// <param name="ShotsLowered">Questions answered with fewer than <paramref name="Shots"/> shots.</param>
/// <param name="MeanShotsUsed">Mean shots in the prompts answered; null when none was.</param>
/// <param name="Accuracy">Over the scored questions, each counted once (the official "weighted accuracy"); null when
/// none was scored.</param>
/// <param name="AccuracyNorm">Harness mode's <c>acc_norm</c>; null in the other modes.</param>
/// <param name="Unparsable">Generate mode: answers with no A–D word; null in the other modes.</param>
/// <param name="Subjects">Per subject, ordinal order.</param>
/// <param name="Categories">Per category of the official code (STEM, humanities, social sciences, other), then
/// "uncategorized" for subjects outside the 57.</param>
/// <param name="ZeroShotPerplexity">Table 7's perplexity; only on the 0-shot run, else null.</param>
/// <param name="Seconds">Wall time of this run.</param>
public sealed record MmluRunResult(
    int Shots, int Questions, int Scored, int SkippedTooLong, int ShotsLowered, double? MeanShotsUsed,
    double? Accuracy, double? AccuracyNorm, int? Unparsable,
    IReadOnlyList<GroupAccuracy> Subjects, IReadOnlyList<GroupAccuracy> Categories,
    PromptPerplexity? ZeroShotPerplexity, double Seconds, double QuestionsPerSecond);
