namespace Hyperfit.Evaluation.Downstream;

/// <summary>One MMLU question: four choices, the answer as an index 0–3 (A–D).</summary>
/// <param name="Subject">The subject in its file form, e.g. <c>abstract_algebra</c>.</param>
/// <param name="Source">Where it was read, <c>file:line</c> or <c>file:row</c>, for messages.</param>
public sealed record MmluQuestion(string Subject, string Question, IReadOnlyList<string> Choices, int Answer, string Source)
{
    /// <summary>The answer letters in order; MMLU always has four choices.</summary>
    public static readonly IReadOnlyList<string> Letters = ["A", "B", "C", "D"];
}
