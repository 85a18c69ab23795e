using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class StudyAssignmentTests
{
    private static readonly string[] Names = ["a", "b", "c", "d"];

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (StudyFixture Fixture, string Study, StudyAssignment Assignment, ManualClock Clock, Func<string, StudyAccount> Account) Make(
        int contexts = 1, string[]? comparisons = null, int[]? lengths = null, long seed = 42)
    {
        var f = new StudyFixture(contexts, ["fiction"], comparisons ?? ["base_greedy"]);
        StudyBuilder.Build(f.Request() with { Lengths = lengths ?? [256], AssignmentSeed = seed });
        var study = f.StudyDir();
        var clock = new ManualClock();
        var assignment = new StudyAssignment(study, TimeSpan.FromMinutes(10), clock);
        StudyAccount Account(string name)
        {
            var token = StudyAccounts.Invite(study, name, StudyRole.Annotator);
            using var connection = StudyDatabase.Open(study);
            return StudyAccounts.Authenticate(connection, token)!;
        }

        return (f, study, assignment, clock, Account);
    }

    [Fact]
    public void Should_hand_an_item_to_at_most_three_annotators_at_once()
    {
        // Given one item and four annotators
        var (f, _, assignment, _, account) = Make();
        using var _f = f;
        var annotators = Names.Select(account).ToArray();

        // When all four ask for work
        var showings = annotators.Select(assignment.Next).ToArray();

        // Then three hold the item and the fourth gets nothing
        Assert.All(showings[..3], s => Assert.NotNull(s));
        Assert.Null(showings[3]);
        Assert.Equal(3, showings[..3].Select(s => s!.ShowingId).Distinct().Count());
    }

    [Fact]
    public void Should_show_the_same_item_and_sides_on_reload()
    {
        var (f, _, assignment, _, account) = Make(contexts: 3);
        using var _f = f;
        var a = account("a");

        var first = assignment.Next(a)!;
        var again = assignment.Next(a)!;

        Assert.Equal(first.ShowingId, again.ShowingId);
        Assert.Equal(first.Item.Id, again.Item.Id);
        Assert.Equal(first.ModelShownFirst, again.ModelShownFirst);
        Assert.Equal(first.FirstText, again.FirstText);
    }

    [Fact]
    public void Should_never_show_an_item_twice_to_one_annotator_and_stop_when_none_is_left()
    {
        // Given 2 comparisons × 3 contexts × 2 lengths = 12 items
        var (f, study, assignment, _, account) = Make(contexts: 3, comparisons: ["x", "y"], lengths: [128, 256]);
        using var _f = f;
        var a = account("a");

        // When the annotator votes until no work is left
        var seen = new List<long>();
        while (assignment.Next(a) is { } showing)
        {
            seen.Add(showing.Item.Id);
            Assert.Equal(VoteOutcome.Stored, assignment.Submit(a, showing.ShowingId, ScreenChoice.Equal).Outcome);
            Assert.True(seen.Count <= 12);
        }

        // Then every item was seen exactly once
        Assert.Equal(12, seen.Count);
        Assert.Equal(12, seen.Distinct().Count());
        Assert.Equal(12, assignment.Done(a));
        Assert.Equal(12, StudyDatabase.ReadVotes(study).Count);
    }

    [Fact]
    public void Should_store_one_vote_for_a_double_submit()
    {
        var (f, study, assignment, _, account) = Make();
        using var _f = f;
        var a = account("a");
        var showing = assignment.Next(a)!;

        var first = assignment.Submit(a, showing.ShowingId, ScreenChoice.First);
        var second = assignment.Submit(a, showing.ShowingId, ScreenChoice.Second);

        Assert.Equal(VoteOutcome.Stored, first.Outcome);
        Assert.Equal(new VoteReceipt(VoteOutcome.Duplicate, first.VoteId), second);
        var vote = Assert.Single(StudyDatabase.ReadVotes(study));
        Assert.Equal(ScreenChoice.First, vote.Choice); // the first submit wins
    }

    [Fact]
    public void Should_refuse_a_vote_for_a_showing_of_another_annotator_or_an_unknown_one()
    {
        var (f, study, assignment, _, account) = Make();
        using var _f = f;
        var (a, b) = (account("a"), account("b"));
        var showing = assignment.Next(a)!;

        Assert.Equal(new VoteReceipt(VoteOutcome.NotAssigned, null), assignment.Submit(b, showing.ShowingId, ScreenChoice.First));
        Assert.Equal(new VoteReceipt(VoteOutcome.NotAssigned, null), assignment.Submit(a, "0123456789abcdef0123456789abcdef", ScreenChoice.First));
        Assert.Empty(StudyDatabase.ReadVotes(study));
    }

    [Theory]
    [InlineData(true, ScreenChoice.First, HumanPreference.Model)]
    [InlineData(true, ScreenChoice.Second, HumanPreference.Original)]
    [InlineData(false, ScreenChoice.First, HumanPreference.Original)]
    [InlineData(false, ScreenChoice.Second, HumanPreference.Model)]
    [InlineData(true, ScreenChoice.Equal, HumanPreference.Equal)]
    [InlineData(false, ScreenChoice.Equal, HumanPreference.Equal)]
    public void Should_turn_the_pressed_button_into_a_preference_by_the_side_the_model_was_on(bool modelFirst, ScreenChoice choice, HumanPreference expected)
    {
        // Given annotators until one is shown the model's text on the wanted side (the coin is seeded, so this is deterministic)
        var (f, study, assignment, _, account) = Make(contexts: 6);
        using var _f = f;
        for (var n = 0; n < 50; n++)
        {
            var a = account($"a{n}");
            var showing = assignment.Next(a)!;
            if (showing.ModelShownFirst != modelFirst)
            {
                continue;
            }

            // When they press the button
            assignment.Submit(a, showing.ShowingId, choice);

            // Then the stored vote has the choice, the side and the preference
            var vote = Assert.Single(StudyDatabase.ReadVotes(study));
            Assert.Equal((choice, modelFirst, expected), (vote.Choice, vote.ModelShownFirst, vote.Preference));
            Assert.Equal(showing.Item.Id, vote.ItemId);
            return;
        }

        Assert.Fail("no showing with the wanted side in 50 draws");
    }

    [Fact]
    public void Should_return_an_expired_hold_to_the_pool_and_keep_a_late_vote_flagged()
    {
        // Given one item held by a, b and c
        var (f, study, assignment, clock, account) = Make();
        using var _f = f;
        var (a, b, c, d) = (account("a"), account("b"), account("c"), account("d"));
        var held = assignment.Next(a)!;
        assignment.Next(b);
        assignment.Next(c);
        Assert.Null(assignment.Next(d));

        // When a's hold expires, d gets the item
        clock.Now += TimeSpan.FromMinutes(11);
        Assert.NotNull(assignment.Next(b)); // b's and c's holds are renewed on reload, their places are still free
        Assert.NotNull(assignment.Next(c));
        var taken = assignment.Next(d)!;
        Assert.Equal(held.Item.Id, taken.Item.Id);

        // Then a, coming back, gets nothing (the place was taken) and a's late vote is still stored, flagged
        Assert.Null(assignment.Next(a));
        var receipt = assignment.Submit(a, held.ShowingId, ScreenChoice.Second);
        Assert.Equal(VoteOutcome.StoredLate, receipt.Outcome);
        var vote = Assert.Single(StudyDatabase.ReadVotes(study));
        Assert.True(vote.Late);
        Assert.Equal("a", vote.Annotator);
    }

    [Fact]
    public void Should_renew_an_expired_hold_on_reload_while_its_place_is_free()
    {
        var (f, _, assignment, clock, account) = Make(contexts: 3);
        using var _f = f;
        var a = account("a");
        var first = assignment.Next(a)!;

        clock.Now += TimeSpan.FromHours(2);
        var again = assignment.Next(a)!;

        Assert.Equal(first.ShowingId, again.ShowingId);
        Assert.Equal(clock.Now + TimeSpan.FromMinutes(10), again.ExpiresUtc);
        Assert.Equal(VoteOutcome.Stored, assignment.Submit(a, again.ShowingId, ScreenChoice.Equal).Outcome);
    }

    [Fact]
    public void Should_draw_the_same_items_and_sides_for_the_same_requests_and_seed()
    {
        static List<(int, bool)> Sequence(long seed)
        {
            var (f, _, assignment, _, account) = Make(contexts: 5, comparisons: ["x", "y"], seed: seed);
            using var _f = f;
            var a = account("a");
            var draws = new List<(int, bool)>();
            while (assignment.Next(a) is { } s)
            {
                draws.Add((s.Item.ContextIndex * 10 + (s.Item.Comparison == "x" ? 0 : 1), s.ModelShownFirst));
                assignment.Submit(a, s.ShowingId, ScreenChoice.Equal);
            }

            return draws;
        }

        var once = Sequence(7);
        Assert.Equal(once, Sequence(7));
        Assert.NotEqual(once, Sequence(8));
        Assert.Equal(10, once.Count);
    }

    [Fact]
    public void Should_put_the_model_first_about_half_of_the_time()
    {
        // 120 showings: with a fair coin the count of model-first is within 60 ± 4 σ (σ ≈ 5.5)
        var (f, _, assignment, _, account) = Make(contexts: 20, comparisons: ["x", "y", "z"], lengths: [128, 256]);
        using var _f = f;
        var a = account("a");
        var first = 0;
        var n = 0;
        while (assignment.Next(a) is { } s)
        {
            first += s.ModelShownFirst ? 1 : 0;
            n++;
            assignment.Submit(a, s.ShowingId, ScreenChoice.Equal);
        }

        Assert.Equal(120, n);
        Assert.InRange(first, 38, 82);
    }

    [Fact]
    public void Should_give_every_item_exactly_three_votes_from_different_annotators_under_concurrency()
    {
        // Given 10 items and 12 annotators voting from parallel threads
        var (f, study, assignment, _, account) = Make(contexts: 5, comparisons: ["x"], lengths: [128, 256]);
        using var _f = f;
        var annotators = Enumerable.Range(0, 12).Select(i => account($"a{i}")).ToArray();

        // When each votes until no work is left
        Parallel.ForEach(annotators, new ParallelOptions { MaxDegreeOfParallelism = 6 }, a =>
        {
            for (var guard = 0; guard < 20 && assignment.Next(a) is { } s; guard++)
            {
                assignment.Submit(a, s.ShowingId, ScreenChoice.Equal);
            }
        });

        // Then each item has exactly 3 votes by 3 annotators, none late
        var votes = StudyDatabase.ReadVotes(study);
        Assert.Equal(30, votes.Count);
        Assert.All(votes.GroupBy(v => v.ItemId), g =>
        {
            Assert.Equal(3, g.Count());
            Assert.Equal(3, g.Select(v => v.Annotator).Distinct().Count());
        });
        Assert.DoesNotContain(votes, v => v.Late);
        Assert.Equal([1, 2, 3], votes.Where(v => v.ItemId == votes[0].ItemId).Select(v => v.Rank));
    }
}
