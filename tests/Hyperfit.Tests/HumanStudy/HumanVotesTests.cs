using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class HumanVotesTests
{
    private static readonly string[] Decodings = [TinyStudy.Base, TinyStudy.Hyperfitted, "base_top_p"];
    private static readonly string[] Sets = ["fiction", "news"];
    private static readonly long[] Seeds = [42];

    private static HumanVotes Study(string? specHash = "abcdef0123456789", string? run = "runs/a/") =>
        new("studies/s1", TinyStudy.Items(), TinyStudy.Votes(), specHash, run);

    [Fact]
    public void Should_accept_a_study_of_this_spec()
    {
        // Given / When / Then nothing is thrown (also without a recorded spec hash)
        Study().CheckAgainst("ABCDEF0123456789", "runs/a", Decodings, Sets, Seeds);
        Study(null, null).CheckAgainst("other", "runs/b", Decodings, Sets, Seeds);
    }

    [Fact]
    public void Should_reject_a_study_of_another_spec_in_one_line()
    {
        // Given a study built from a run of spec 0123…
        // When
        var error = Assert.Throws<InvalidDataException>(() => Study().CheckAgainst("9999999999999999", "runs/a", Decodings, Sets, Seeds));

        // Then
        Assert.Equal("studies/s1: the study was built from a run of another spec (spec hash abcdef012345…, this spec 999999999999…)", error.Message);
    }

    [Fact]
    public void Should_reject_a_study_of_another_run_folder_in_one_line()
    {
        // Given a study built from runs/a
        // When it is given to a run writing into runs/b
        var error = Assert.Throws<InvalidDataException>(() => Study().CheckAgainst("abcdef0123456789", "runs/b", Decodings, Sets, Seeds));

        // Then
        Assert.Equal($"studies/s1: the study was built from the run in runs/a/, not {Path.GetFullPath("runs/b")}; run the spec with that folder as its output", error.Message);
    }

    [Fact]
    public void Should_name_a_decoding_set_or_seed_the_spec_lacks()
    {
        // Given a spec without hyperfitted_greedy, one without the news set, and one with seed 7 only
        // When
        var decoding = Assert.Throws<InvalidDataException>(() => Study().CheckAgainst("abcdef0123456789", "runs/a", ["base_greedy"], Sets, Seeds));
        var set = Assert.Throws<InvalidDataException>(() => Study().CheckAgainst("abcdef0123456789", "runs/a", Decodings, ["fiction", "press"], Seeds));
        var seed = Assert.Throws<InvalidDataException>(() => Study().CheckAgainst("abcdef0123456789", "runs/a", Decodings, Sets, [7]));

        // Then
        Assert.Equal("studies/s1: items for decoding \"hyperfitted_greedy\" that the spec does not have (the spec's: base_greedy)", decoding.Message);
        Assert.Equal("studies/s1: items for context set \"news\" that the spec does not have (the spec's: fiction, press)", set.Message);
        Assert.Equal("studies/s1: items for seed \"42\" that the spec does not have (the spec's: 7)", seed.Message);
    }

    [Fact]
    public void Should_report_a_contradicting_vote_in_one_line_naming_the_study()
    {
        // Given a vote whose length differs from its item's
        var votes = TinyStudy.Votes().Select((v, i) => i == 0 ? v with { Length = 256 } : v).ToList();

        // When
        var error = Assert.Throws<InvalidDataException>(() => new HumanVotes("studies/s1", TinyStudy.Items(), votes).CreateReport());

        // Then
        Assert.Equal("studies/s1: Vote 0: length \"256\" differs from item 1's \"128\".", error.Message);
    }
}
