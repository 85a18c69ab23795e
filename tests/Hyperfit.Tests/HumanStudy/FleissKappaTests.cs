using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class FleissKappaTests
{
    [Fact]
    public void Should_match_the_textbook_example()
    {
        // Given the worked example of Wikipedia's "Fleiss' kappa" page (10 subjects, 14 raters, 5 categories).
        // By hand: column totals 20, 28, 39, 21, 32 of 140 → p = .143, .200, .279, .150, .229, P̄e = Σp² = 0.2128;
        // P_i = (Σ n_ij² − 14) / 182 → P̄ = 0.3780; κ = (0.3780 − 0.2128) / (1 − 0.2128) = 0.2099.
        int[][] counts =
        [
            [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
        ];

        // When
        var kappa = FleissKappa.Compute(counts);

        // Then
        Assert.Equal(0.20993, kappa!.Value, 5);
    }

    [Fact]
    public void Should_be_one_for_perfect_agreement_and_negative_below_chance()
    {
        // Given three raters who always agree (categories vary), and subjects split 2-1 as evenly as possible
        int[][] perfect = [[3, 0, 0], [0, 3, 0], [0, 0, 3]];
        int[][] split = [[2, 1], [1, 2]];

        // When
        var one = FleissKappa.Compute(perfect);
        var below = FleissKappa.Compute(split);

        // Then κ = 1; for the split P̄ = 1/3, p = (½, ½), P̄e = ½ → κ = (1/3 − 1/2) / (1/2) = −1/3
        Assert.Equal(1.0, one!.Value, 12);
        Assert.Equal(-1.0 / 3, below!.Value, 12);
    }

    [Fact]
    public void Should_be_undefined_when_every_rating_is_one_category_or_there_are_no_subjects()
    {
        // Given / When / Then
        Assert.Null(FleissKappa.Compute([[3, 0, 0], [3, 0, 0]]));
        Assert.Null(FleissKappa.Compute([]));
    }

    [Fact]
    public void Should_reject_subjects_with_another_number_of_ratings()
    {
        // Given a subject with 2 ratings among subjects with 3
        // When
        var error = Assert.Throws<ArgumentException>(() => FleissKappa.Compute([[3, 0, 0], [1, 1, 0]]));

        // Then the subject is named
        Assert.Contains("Subject 1", error.Message, StringComparison.Ordinal);
    }
}
