using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>A Table 4 cell: the share preferring the model's text or judging it equal, its interval and the votes behind it.</summary>
public sealed record HumanSetCell(double? Pref, ConfidenceInterval? Ci, int Votes);
