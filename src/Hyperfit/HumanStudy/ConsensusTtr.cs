namespace Hyperfit.HumanStudy;

/// <summary>
/// Figure 9 (left, Appendix A.1): TTR of the model's shown text (<see cref="StudyItem.GeneratedTtr"/>, its last 96
/// tokens) for the items on whose quality the three annotators agreed, both lengths pooled. Consensus is on the
/// paper's quality outcome: "good" when all three votes preferred the model's text or judged it equal (what Pref
/// counts), "original preferred" when all three preferred the original. The paper filtered 5% of outliers "for
/// clarity"; here each group drops its ⌊2.5% · n⌋ lowest and ⌊2.5% · n⌋ highest values (<see cref="OutlierTrim"/>).
/// </summary>
/// <param name="Filter">The outlier rule in words.</param>
/// <param name="GoodItems">Complete items with a "good" consensus, before filtering.</param>
/// <param name="OriginalItems">Complete items with an "original preferred" consensus, before filtering.</param>
/// <param name="Good">TTRs of the "good" group after filtering, in item order.</param>
/// <param name="OriginalPreferred">TTRs of the "original preferred" group after filtering, in item order.</param>
/// <param name="Figure">The PNG's file name beside report.md; null when there was nothing to draw.</param>
public sealed record ConsensusTtr(
    string Filter,
    int GoodItems,
    int OriginalItems,
    IReadOnlyList<double> Good,
    IReadOnlyList<double> OriginalPreferred,
    string? Figure)
{
    /// <summary>Share of each group dropped at each end.</summary>
    public const double TrimPerSide = 0.025;

    /// <summary>File name of the figure.</summary>
    public const string FigureFile = "figure9-consensus-ttr.png";

    /// <summary>The rule as the report states it.</summary>
    public const string FilterText = "per group, the floor(2.5% of n) lowest and floor(2.5% of n) highest TTRs dropped (5% of outliers, Appendix A.1; none below 40 texts)";
}
