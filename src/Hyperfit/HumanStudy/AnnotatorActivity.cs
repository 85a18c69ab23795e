namespace Hyperfit.HumanStudy;

/// <summary>What one annotator contributed.</summary>
/// <param name="Annotator">Account name.</param>
/// <param name="Votes">Counted votes (rank ≤ 3).</param>
/// <param name="ExtraVotes">Votes beyond an item's third (excluded from the statistics).</param>
/// <param name="LateVotes">Votes stored after their hold expired (counted or not).</param>
/// <param name="PositionBias">The annotator's own left-position share over counted votes: far from 50% over many
/// votes hints at clicking one side.</param>
public sealed record AnnotatorActivity(string Annotator, int Votes, int ExtraVotes, int LateVotes, PositionBias PositionBias);
