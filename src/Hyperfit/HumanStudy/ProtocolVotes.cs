namespace Hyperfit.HumanStudy;

/// <summary>
/// Which votes are the protocol's annotations (§4: "3 annotations per comparison"): per item the first three by
/// submission order (<see cref="StudyVoteRow.Rank"/> ≤ 3). A vote that arrived after its hold expired may make a
/// fourth; it is kept in the database but left out of every statistic and only counted.
/// </summary>
/// <param name="Counted">Votes with rank ≤ <see cref="AnnotationsPerItem"/>, in the order given.</param>
/// <param name="Extra">The other votes (rank above it), in the order given.</param>
public sealed record ProtocolVotes(IReadOnlyList<StudyVoteRow> Counted, IReadOnlyList<StudyVoteRow> Extra)
{
    /// <summary>Annotations each item receives (§4, Appendix A).</summary>
    public const int AnnotationsPerItem = 3;

    /// <summary>Splits <paramref name="votes"/> by rank.</summary>
    /// <exception cref="ArgumentException">A rank below 1, or two votes of one item with the same rank (the field and
    /// vote ids named).</exception>
    public static ProtocolVotes Select(IEnumerable<StudyVoteRow> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var list = votes.ToList();
        var seen = new Dictionary<(long Item, int Rank), long>();
        foreach (var vote in list)
        {
            if (vote.Rank < 1)
            {
                throw new ArgumentException($"Vote {vote.VoteId}: rank {vote.Rank} (ranks start at 1).", nameof(votes));
            }

            if (!seen.TryAdd((vote.ItemId, vote.Rank), vote.VoteId))
            {
                throw new ArgumentException(
                    $"Votes {seen[(vote.ItemId, vote.Rank)]} and {vote.VoteId} of item {vote.ItemId} both have rank {vote.Rank}.", nameof(votes));
            }
        }

        return new ProtocolVotes(
            list.Where(v => v.Rank <= AnnotationsPerItem).ToList(),
            list.Where(v => v.Rank > AnnotationsPerItem).ToList());
    }
}
