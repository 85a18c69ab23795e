using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class OutlierTrimTests
{
    [Fact]
    public void Should_drop_the_lowest_and_highest_two_and_a_half_percent_each()
    {
        // Given 80 values 0..79 shuffled (⌊0.025 · 80⌋ = 2 per side)
        var values = Enumerable.Range(0, 80).Select(i => (double)(i * 37 % 80)).ToList();

        // When
        var kept = OutlierTrim.Symmetric(values, 0.025);

        // Then 0, 1, 78, 79 are gone and the rest keep their order
        Assert.Equal(values.Where(v => v is >= 2 and <= 77), kept);
    }

    [Fact]
    public void Should_keep_small_groups_whole()
    {
        // Given 39 values (⌊0.975⌋ = 0 per side) and 5 values
        var many = Enumerable.Range(0, 39).Select(i => i / 39.0).ToList();
        double[] few = [0.3, 0.9, 0.1, 0.5, 0.7];

        // When / Then nothing is dropped (a percentile cut-off would drop 0.1 and 0.9)
        Assert.Equal(many, OutlierTrim.Symmetric(many, 0.025));
        Assert.Equal(few, OutlierTrim.Symmetric(few, 0.025));
    }

    [Fact]
    public void Should_drop_one_of_tied_extremes_only()
    {
        // Given 40 values, the lowest tied three times
        var values = Enumerable.Repeat(0.1, 3).Concat(Enumerable.Range(0, 37).Select(i => 0.2 + i / 100.0)).ToList();

        // When
        var kept = OutlierTrim.Symmetric(values, 0.025);

        // Then one 0.1 and the maximum are dropped: 38 left, two 0.1 among them
        Assert.Equal(38, kept.Count);
        Assert.Equal(2, kept.Count(v => v == 0.1));
        Assert.DoesNotContain(values.Max(), kept);
    }
}
