namespace Hyperfit.HumanStudy;

/// <summary>One row of Table 4 (§6.2): a comparison's preference per context set at one length, and their average.</summary>
/// <param name="Comparison">The generating configuration (decoding label).</param>
/// <param name="Model">The model that generated.</param>
/// <param name="Length">Length scenario (the paper: 256).</param>
/// <param name="Sets">One cell per context set of the study, in the study's order (a set without items: zero votes,
/// Pref null).</param>
/// <param name="Average">Unweighted mean of the sets' Pref, as the paper's "Average" column; null when a set has no votes.</param>
/// <param name="AverageBootstrapCi">Cluster-bootstrap interval of that mean (each resample keeps every set's
/// contexts); null with <paramref name="Average"/>.</param>
public sealed record PreferenceBySetRow(
    string Comparison,
    string Model,
    int Length,
    IReadOnlyList<PreferenceCell> Sets,
    double? Average,
    ConfidenceInterval? AverageBootstrapCi);
