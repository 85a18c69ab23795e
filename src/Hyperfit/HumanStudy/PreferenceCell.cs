namespace Hyperfit.HumanStudy;

/// <summary>
/// The paper's preference number for one comparison at one length (Table 1), or at one context set too (Table 4),
/// with the votes behind it and two 95% intervals.
/// </summary>
/// <param name="Comparison">The generating configuration (decoding label).</param>
/// <param name="Model">The model that generated.</param>
/// <param name="ContextSet">The context set (Table 4); null when pooled over every set (Table 1).</param>
/// <param name="Length">Length scenario (128 or 256).</param>
/// <param name="ItemsTotal">Items of the cell in the study.</param>
/// <param name="ItemsComplete">Items with all three annotations (the others still count toward Pref).</param>
/// <param name="Votes">Counted votes (rank ≤ 3).</param>
/// <param name="ModelPreferred">Votes preferring the model's text.</param>
/// <param name="Equal">Votes judging both equal.</param>
/// <param name="OriginalPreferred">Votes preferring the original text.</param>
/// <param name="Pref">(ModelPreferred + Equal) / Votes; null without votes.</param>
/// <param name="BootstrapCi">Cluster-bootstrap interval (contexts resampled within context sets); null without votes.</param>
/// <param name="WilsonCi">Wilson interval, votes treated as independent; null without votes.</param>
public sealed record PreferenceCell(
    string Comparison,
    string Model,
    string? ContextSet,
    int Length,
    int ItemsTotal,
    int ItemsComplete,
    int Votes,
    int ModelPreferred,
    int Equal,
    int OriginalPreferred,
    double? Pref,
    ConfidenceInterval? BootstrapCi,
    ConfidenceInterval? WilsonCi);
