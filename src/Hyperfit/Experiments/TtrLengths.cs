using System.Globalization;
using Hyperfit.Evaluation;

namespace Hyperfit.Experiments;

/// <summary>
/// What the report's TTR columns measure for a run's <c>new_tokens</c>, so their labels say the real lengths. With the
/// paper's 224 generated tokens (or more) they are its "128 TTR" (first 96 generated tokens, 32 + 96) and "256 TTR"
/// (last 96 of the first 224, 32 + 224); with fewer, e.g. 64, "TTR, first 64" and "TTR, last 64 of 64" (with 96 to 223,
/// "128 TTR" and "TTR, last 96 of N").
/// </summary>
public sealed record TtrLengths(int NewTokens)
{
    private const int Window = EvaluationJob.Window;

    private const int LongScenario = EvaluationJob.LongScenarioTokens;

    /// <summary>The paper's lengths apply.</summary>
    public bool Paper => NewTokens >= LongScenario;

    /// <summary>Tokens the short column measures: the first min(96, N).</summary>
    public int FirstTokens => Math.Min(Window, NewTokens);

    /// <summary>Tokens of the text the long column's window ends at: min(224, N).</summary>
    public int LongText => Math.Min(LongScenario, NewTokens);

    /// <summary>Tokens the long column measures: the last min(96, …) of those.</summary>
    public int LastTokens => Math.Min(Window, LongText);

    /// <summary>The short column's label: "128 TTR", or "TTR, first 64".</summary>
    public string FirstLabel => NewTokens >= Window ? "128 TTR" : string.Create(CultureInfo.InvariantCulture, $"TTR, first {FirstTokens}");

    /// <summary>The long column's label: "256 TTR", or "TTR, last 64 of 64".</summary>
    public string LastLabel => Paper ? "256 TTR" : string.Create(CultureInfo.InvariantCulture, $"TTR, last {LastTokens} of {LongText}");

    /// <summary>How the two columns are measured, for the report's note (empty with the paper's lengths).</summary>
    public string Note => Paper ? "" : string.Create(CultureInfo.InvariantCulture,
        $"This run generates {NewTokens} tokens, fewer than the paper's 224: the TTR columns are the TTR of the first {FirstTokens} generated tokens and of the last {LastTokens} of the first {LongText} (the paper's two scenarios need 96 and 224 generated tokens).");
}
