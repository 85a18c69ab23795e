namespace Hyperfit.Evaluation.Downstream;

/// <summary>Progress of a downstream run, reported after every scored batch.</summary>
/// <param name="Stage">What is running, e.g. "brown-llama-23m · mmlu 5-shot" or "… · glue rte 4-shot".</param>
/// <param name="Done">Questions finished in this stage.</param>
/// <param name="Total">Questions in this stage.</param>
/// <param name="QuestionsPerSecond">Over the stage so far.</param>
/// <param name="Eta">Time left in this stage at that rate; null before the first batch.</param>
public sealed record DownstreamProgress(string Stage, int Done, int Total, double QuestionsPerSecond, TimeSpan? Eta);
