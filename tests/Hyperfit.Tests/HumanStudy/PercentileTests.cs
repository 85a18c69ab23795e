using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class PercentileTests
{
    [Theory]
    // numpy.percentile([1, 2, 3, 4], q) / R quantile(type = 7): 1.75, 2.5, 3.25, 1, 4, 3.925
    [InlineData(0.25, 1.75)]
    [InlineData(0.5, 2.5)]
    [InlineData(0.75, 3.25)]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 4.0)]
    [InlineData(0.975, 3.925)]
    public void Should_interpolate_between_order_statistics_like_type_7(double q, double expected)
    {
        // Given 1 2 3 4; h = 3q
        // When / Then
        Assert.Equal(expected, Percentile.OfSorted([1.0, 2, 3, 4], q), 12);
    }

    [Fact]
    public void Should_reject_no_values_and_a_level_outside_zero_one()
    {
        Assert.Throws<ArgumentException>(() => Percentile.OfSorted([], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentile.OfSorted([1.0], 1.5));
    }
}
