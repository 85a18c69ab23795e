using Hyperfit.Evaluation;

namespace Hyperfit.Tests.Evaluation;

public sealed class TypeTokenRatioTests
{
    [Fact]
    public void Should_use_only_the_last_window_tokens()
    {
        // Given 1 1 1 2 3 4 with a window of 4: the last four are 1 2 3 4 → 4 types / 4 tokens = 1
        int[] tokens = [1, 1, 1, 2, 3, 4];

        // When
        var ttr = TypeTokenRatio.Compute(tokens, window: 4);

        // Then
        Assert.Equal(new TtrResult(1.0, 4, false), ttr);
    }

    [Fact]
    public void Should_compute_the_paper_window_of_96()
    {
        // Given 100 tokens: 4 leading zeros then 0..47 twice; the last 96 are 0..47, 0..47 → 48 / 96 = 0.5
        var tokens = new int[4].Concat(Enumerable.Range(0, 48)).Concat(Enumerable.Range(0, 48)).ToArray();

        // When
        var ttr = TypeTokenRatio.Compute(tokens);

        // Then
        Assert.Equal(0.5, ttr.Value);
        Assert.Equal(96, ttr.TokensUsed);
        Assert.False(ttr.ShorterThanWindow);
    }

    [Fact]
    public void Should_use_all_tokens_and_flag_a_text_shorter_than_the_window()
    {
        // Given 1 2 2 (3 tokens) and the default 96-token window → 2 types / 3 tokens, flagged
        // When
        var ttr = TypeTokenRatio.Compute([1, 2, 2]);

        // Then
        Assert.Equal(2.0 / 3, ttr.Value);
        Assert.Equal(3, ttr.TokensUsed);
        Assert.True(ttr.ShorterThanWindow);
    }

    [Fact]
    public void Should_trace_the_ttr_of_the_most_recent_tokens_over_length()
    {
        // Given 1 2 1 1 3 4, window 3, step 2
        //   L = 2: [1 2] → 2/2 = 1 (shorter than window)
        //   L = 4: tokens [1, 4) = 2 1 1 → 2/3
        //   L = 6: tokens [3, 6) = 1 3 4 → 3/3
        int[] tokens = [1, 2, 1, 1, 3, 4];

        // When
        var curve = TypeTokenRatio.Curve(tokens, window: 3, step: 2);

        // Then
        Assert.Equal([new TtrPoint(2, 1.0, true), new TtrPoint(4, 2.0 / 3, false), new TtrPoint(6, 1.0, false)], curve);
    }

    [Fact]
    public void Should_match_direct_computation_at_every_curve_point()
    {
        // Given a random 300-token text over 20 types
        var tokens = TestData.Tokens(new Random(3), 300, 300, 20);

        // When
        var curve = TypeTokenRatio.Curve(tokens, step: 7);

        // Then each point is the TTR of the prefix's last 96 tokens
        Assert.Equal(300 / 7, curve.Count);
        foreach (var point in curve)
        {
            Assert.Equal(TypeTokenRatio.Compute(tokens.AsSpan(0, point.Length)).Value, point.Value);
        }
    }

    [Fact]
    public void Should_reject_an_empty_continuation()
    {
        // Given / When / Then
        Assert.Equal("continuation", Assert.Throws<ArgumentException>(() => TypeTokenRatio.Compute([])).ParamName);
        Assert.Equal("continuation", Assert.Throws<ArgumentException>(() => TypeTokenRatio.Curve([])).ParamName);
    }
}
