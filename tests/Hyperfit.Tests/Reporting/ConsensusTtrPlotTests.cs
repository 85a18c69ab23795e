using Hyperfit.Reporting;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.Reporting;

public sealed class ConsensusTtrPlotTests
{
    [Fact]
    public void Should_bin_ttr_into_twenty_shares_with_one_in_the_last_bin()
    {
        // Given 0, 0.049, 0.05, 0.5 and 1.0
        double[] values = [0, 0.049, 0.05, 0.5, 1.0];

        // When
        var percentages = ConsensusTtrPlot.Percentages(values);

        // Then bins [0, .05) twice, [.05, .1), [.5, .55), and 1.0 in the closed last bin [.95, 1]
        Assert.Equal(20, percentages.Length);
        Assert.Equal(40, percentages[0], 12);
        Assert.Equal(20, percentages[1], 12);
        Assert.Equal(20, percentages[10], 12);
        Assert.Equal(20, percentages[19], 12);
        Assert.Equal(100, percentages.Sum(), 9);
    }

    [Theory]
    [InlineData(800, 500)]
    [InlineData(640, 480)]
    public void Should_write_a_png_of_the_requested_size(int width, int height)
    {
        // Given two consensus groups
        using var dir = new TempDirectory();
        var path = dir.File("figure9-consensus-ttr.png");
        var random = new Random(2);
        var good = Enumerable.Range(0, 60).Select(_ => 0.5 + 0.3 * random.NextDouble()).ToList();
        var bad = Enumerable.Range(0, 90).Select(_ => 0.15 + 0.5 * random.NextDouble()).ToList();

        // When
        ConsensusTtrPlot.Write(path, good, bad, width: width, height: height);

        // Then a PNG of that size and no temp file beside it
        Png.AssertValid(path, width, height);
        Png.AssertOnlyFile(dir.Path, "figure9-consensus-ttr.png");
    }

    [Fact]
    public void Should_draw_one_group_alone_and_reject_nothing_or_a_ttr_outside_zero_one()
    {
        // Given
        using var dir = new TempDirectory();

        // When / Then one empty group is fine; both empty, or a TTR of 1.2, is an argument error and writes nothing
        ConsensusTtrPlot.Write(dir.File("one.png"), [0.5, 0.6], []);
        Png.AssertValid(dir.File("one.png"), 800, 500);
        Assert.Equal("good", Assert.Throws<ArgumentException>(() => ConsensusTtrPlot.Write(dir.File("none.png"), [], [])).ParamName);
        Assert.Equal("originalPreferred", Assert.Throws<ArgumentException>(() => ConsensusTtrPlot.Write(dir.File("bad.png"), [0.5], [1.2])).ParamName);
        Png.AssertOnlyFile(dir.Path, "one.png");
    }
}
