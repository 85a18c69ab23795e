using Hyperfit.Images;

namespace Hyperfit.Tests.Images;

/// <summary>The completion numbers on images small enough to count by hand.</summary>
public sealed class ImageMetricsTests
{
    // 4 × 5 image (width 4), context = first 2 rows; rows 2–4 generated.
    private static readonly int[] Image =
    [
        1, 2, 3, 4,
        5, 5, 5, 5,
        5, 5, 5, 5,   // equals the row above
        5, 5, 5, 6,   // 1 of 4 differs
        7, 7, 7, 7,   // all differ
    ];

    [Fact]
    public void Should_count_generated_rows_equal_or_nearly_equal_to_the_row_above()
    {
        // 10% of 4 pixels rounds down to 0: only exact rows are near; with 25%, one differing pixel is near
        Assert.Equal((1.0 / 3, 1.0 / 3), ImageMetrics.RowRepetition(Image, 4, 2));
        Assert.Equal((1.0 / 3, 2.0 / 3), ImageMetrics.RowRepetition(Image, 4, 2, nearShare: 0.25));
    }

    [Fact]
    public void Should_give_the_ttr_and_accuracy_of_the_generated_part_only()
    {
        int[] original = [1, 2, 3, 4, 5, 5, 5, 5, 5, 0, 5, 0, 5, 5, 5, 6, 0, 0, 0, 0];

        Assert.Equal(3.0 / 12, ImageMetrics.GeneratedTtr(Image, 4, 2)); // {5, 6, 7}
        Assert.Equal(6.0 / 12, ImageMetrics.IdAccuracy(Image, original, 4, 2)); // rows 2–4: 2 + 4 + 0 equal ids
    }

    [Fact]
    public void Should_measure_pixel_distance_below_the_context_and_find_the_nearest_image()
    {
        var a = RgbImage.FromGray(2, 2, [0, 0, 100, 200]);
        var b = RgbImage.FromGray(2, 2, [255, 255, 110, 190]);
        var c = RgbImage.FromGray(2, 2, [0, 0, 0, 0]);

        Assert.Equal(10.0, ImageMetrics.MeanAbsoluteError(a, b, fromRow: 1));
        Assert.Equal((0, 10.0), ImageMetrics.Nearest(a, [b, c], fromRow: 1));
        Assert.Equal((2, 0.0), ImageMetrics.Nearest(b, [a, c, b], fromRow: 0)); // itself
    }
}
