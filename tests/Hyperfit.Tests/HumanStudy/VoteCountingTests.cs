using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class VoteCountingTests
{
    [Fact]
    public void Should_count_model_and_equal_as_favourable()
    {
        // Given 2 model, 1 equal, 3 original
        HumanPreference[] votes = [HumanPreference.Model, HumanPreference.Original, HumanPreference.Equal, HumanPreference.Original, HumanPreference.Model, HumanPreference.Original];

        // When
        var tally = PreferenceTally.Of(votes);

        // Then Pref = 3/6
        Assert.Equal(new PreferenceTally(2, 3, 1), tally);
        Assert.Equal(3, tally.Favourable);
        Assert.Equal(0.5, tally.Share);
        Assert.Null(PreferenceTally.Of([]).Share);
    }

    [Fact]
    public void Should_keep_the_first_three_votes_of_each_item()
    {
        // Given item 1 with ranks 1–4 and item 2 with ranks 1–2
        StudyVoteRow[] votes = [Vote(1, 1, 1), Vote(2, 1, 2), Vote(3, 2, 1), Vote(4, 1, 3), Vote(5, 1, 4), Vote(6, 2, 2)];

        // When
        var split = ProtocolVotes.Select(votes);

        // Then the fourth vote of item 1 is the only extra one
        Assert.Equal([1L, 2, 3, 4, 6], split.Counted.Select(v => v.VoteId));
        Assert.Equal([5L], split.Extra.Select(v => v.VoteId));
    }

    [Fact]
    public void Should_reject_a_repeated_rank_naming_both_votes()
    {
        // Given two votes of item 1 with rank 2
        StudyVoteRow[] votes = [Vote(7, 1, 2), Vote(9, 1, 2)];

        // When
        var error = Assert.Throws<ArgumentException>(() => ProtocolVotes.Select(votes));

        // Then
        Assert.Contains("Votes 7 and 9 of item 1 both have rank 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_measure_the_left_position_share_of_decisive_votes()
    {
        // Given 3 first, 1 second, 2 equal
        ScreenChoice[] choices = [ScreenChoice.First, ScreenChoice.Equal, ScreenChoice.First, ScreenChoice.Second, ScreenChoice.Equal, ScreenChoice.First];

        // When
        var bias = PositionBias.Of(choices);

        // Then 3 of 4, with the Wilson interval of 3/4
        Assert.Equal(3, bias.FirstChosen);
        Assert.Equal(4, bias.Decisive);
        Assert.Equal(0.75, bias.Share);
        Assert.Equal(WilsonInterval.Compute(3, 4), bias.WilsonCi);
        Assert.Null(PositionBias.Of([ScreenChoice.Equal]).Share);
    }

    [Fact]
    public void Should_count_unanimous_items_among_those_with_three_annotations()
    {
        // Given MMM, EEE, MME, and an incomplete OO
        var m = HumanPreference.Model;
        var e = HumanPreference.Equal;
        var o = HumanPreference.Original;
        IReadOnlyList<HumanPreference>[] items = [[m, m, m], [e, e, e], [m, m, e], [o, o]];

        // When
        var unanimity = Unanimity.Of(items);

        // Then 2 of 3 (the incomplete item is not a candidate)
        Assert.Equal(new Unanimity(2, 3, 2.0 / 3), unanimity);
    }

    private static StudyVoteRow Vote(long id, long item, int rank) => new(
        id, item, "c", "base", 0, "set", 0, 256, "ann", true, ScreenChoice.First, HumanPreference.Model,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, rank > 3, rank, 0.5, 0.7);
}
