using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class WilsonIntervalTests
{
    [Theory]
    // The worked examples of Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison
    // of seven methods", Stat. Med. 17:857–872,
    // method 3 (score interval without continuity correction), 95%:
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(15, 148, 0.0624, 0.1605)]
    [InlineData(0, 20, 0.0000, 0.1611)]
    [InlineData(1, 29, 0.0061, 0.1718)]
    public void Should_match_Newcombes_worked_examples(int successes, int trials, double lower, double upper)
    {
        // Given k of n (published to 4 decimals)
        // When
        var ci = WilsonInterval.Compute(successes, trials)!;

        // Then
        Assert.Equal(lower, ci.Lower, 4);
        Assert.Equal(upper, ci.Upper, 4);
    }

    [Fact]
    public void Should_reach_the_boundary_exactly_at_zero_and_all_and_be_symmetric_about_one_half()
    {
        // Given 0/10, 10/10 and 5/10
        // When
        var none = WilsonInterval.Compute(0, 10)!;
        var all = WilsonInterval.Compute(10, 10)!;
        var half = WilsonInterval.Compute(5, 10)!;

        // Then the ends are exact, and 5/10 is centred on 0.5 (by hand: 0.5 ± 1.96·√(0.025 + 0.0096)/1.384 = [0.2366, 0.7634])
        Assert.Equal(0.0, none.Lower);
        Assert.Equal(1.0, all.Upper);
        Assert.Equal(1 - all.Lower, none.Upper, 12);
        Assert.Equal(0.2366, half.Lower, 4);
        Assert.Equal(1 - half.Lower, half.Upper, 12);
    }

    [Fact]
    public void Should_give_null_without_trials_and_reject_impossible_counts()
    {
        // Given / When / Then
        Assert.Null(WilsonInterval.Compute(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Compute(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Compute(-1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Compute(1, 2, z: 0));
    }
}
