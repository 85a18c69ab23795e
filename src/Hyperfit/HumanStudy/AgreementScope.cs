namespace Hyperfit.HumanStudy;

/// <summary>Inter-annotator agreement over the counted votes of some of the items (all, or one length).</summary>
/// <param name="Length">The length scenario; null for every item.</param>
/// <param name="Items">Items in scope.</param>
/// <param name="CompleteItems">Items with exactly three counted annotations: Fleiss' kappa's subjects.</param>
/// <param name="FleissKappa">Fleiss' kappa over the complete items (categories model / original / equal); null when undefined.</param>
/// <param name="KrippendorffAlpha">Nominal Krippendorff's alpha over every item with at least two counted votes;
/// null when undefined.</param>
/// <param name="KrippendorffUnits">Items entering alpha (at least two counted votes).</param>
/// <param name="Unanimity">Complete items whose three annotations agree.</param>
public sealed record AgreementScope(
    int? Length,
    int Items,
    int CompleteItems,
    double? FleissKappa,
    double? KrippendorffAlpha,
    int KrippendorffUnits,
    Unanimity Unanimity);
