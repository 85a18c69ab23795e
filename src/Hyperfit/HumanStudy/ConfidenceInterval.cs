namespace Hyperfit.HumanStudy;

/// <summary>A two-sided confidence interval for a share, both bounds in [0, 1].</summary>
public sealed record ConfidenceInterval(double Lower, double Upper);
