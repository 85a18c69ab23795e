using Hyperfit.Reporting;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Training;

namespace Hyperfit.Tests.Reporting;

public sealed class PlotTests
{
    private static List<TrainingLogEntry> SmallLog() =>
    [
        new(null, 0, 0, 3.0, 2.0, 0.4, []),
        new(2.0, 5, 1, 3.2, 1.5, 0.6, []),
        new(0.5, 10, 2, 3.5, 1.0, 0.8, []),
    ];

    [Theory]
    [InlineData(TrainingCurveAxis.Epoch, 800, 500)]
    [InlineData(TrainingCurveAxis.Update, 640, 480)]
    public void Should_write_the_training_curve_as_a_png_of_the_requested_size(TrainingCurveAxis axis, int width, int height)
    {
        // Given three log entries
        using var dir = new TempDirectory();
        var path = dir.File("training_curve.png");

        // When
        TrainingCurvePlot.Write(path, SmallLog(), axis, width: width, height: height);

        // Then a PNG of that size, and no temp file beside it
        Png.AssertValid(path, width, height);
        Png.AssertOnlyFile(dir.Path, "training_curve.png");
    }

    [Fact]
    public void Should_plot_a_log_without_validation()
    {
        // Given entries with training loss only (a run without validation data)
        using var dir = new TempDirectory();
        var path = dir.File("train_only.png");
        List<TrainingLogEntry> entries = [new(null, 0, 0, null, null, null, []), new(1.0, 4, 1, null, null, null, [])];

        // When
        TrainingCurvePlot.Write(path, entries);

        // Then
        Png.AssertValid(path, 800, 500);
    }

    [Fact]
    public void Should_reject_an_empty_or_valueless_training_log()
    {
        // Given no entries, or entries with nothing to plot
        using var dir = new TempDirectory();
        List<TrainingLogEntry> valueless = [new(null, 0, 0, null, null, null, [])];

        // When
        var empty = Assert.Throws<ArgumentException>(() => TrainingCurvePlot.Write(dir.File("a.png"), []));
        var nothing = Assert.Throws<ArgumentException>(() => TrainingCurvePlot.Write(dir.File("b.png"), valueless));

        // Then both name the entries, and no file is written
        Assert.Equal("entries", empty.ParamName);
        Assert.Equal("entries", nothing.ParamName);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Should_average_the_ttr_curve_per_length_over_the_texts_reaching_it()
    {
        // Given window 2: text A = 1 1 1 (TTR 1/2 at L = 2, 3), text B = 1 2 (TTR 1 at L = 2)
        int[][] texts = [[1, 1, 1], [1, 2]];

        // When
        var curve = TtrCurvePlot.MeanCurve(texts, window: 2);

        // Then L = 2 averages both texts, L = 3 only A; L = 1 (shorter than the window) is left out
        Assert.Equal([new MeanTtrPoint(2, 0.75, 2), new MeanTtrPoint(3, 0.5, 1)], curve);
    }

    [Fact]
    public void Should_write_the_ttr_curve_with_one_line_per_configuration()
    {
        // Given two configurations of two texts each
        using var dir = new TempDirectory();
        var path = dir.File("ttr_curve.png");
        var series = new Dictionary<string, IReadOnlyList<int[]>>
        {
            ["base (greedy)"] = [[1, 1, 2, 2, 1, 1, 2, 2], [1, 2, 1, 2, 1, 2]],
            ["hyperfitted (greedy)"] = [[1, 2, 3, 4, 5, 6, 7, 8], [4, 5, 6, 7, 8, 9]],
        };

        // When
        TtrCurvePlot.Write(path, series, window: 4);

        // Then
        Png.AssertValid(path, 800, 500);
    }

    [Fact]
    public void Should_reject_a_ttr_curve_without_series_or_with_an_empty_one()
    {
        // Given no series; a series without texts; a series whose texts never reach the window
        using var dir = new TempDirectory();
        var none = new Dictionary<string, IReadOnlyList<int[]>>();
        var emptyList = new Dictionary<string, IReadOnlyList<int[]>> { ["a"] = [] };
        var tooShort = new Dictionary<string, IReadOnlyList<int[]>> { ["a"] = [[1, 2]] };

        // When / Then each names the series argument
        Assert.Equal("series", Assert.Throws<ArgumentException>(() => TtrCurvePlot.Write(dir.File("a.png"), none)).ParamName);
        Assert.Equal("series", Assert.Throws<ArgumentException>(() => TtrCurvePlot.Write(dir.File("b.png"), emptyList)).ParamName);
        Assert.Equal("series", Assert.Throws<ArgumentException>(() => TtrCurvePlot.Write(dir.File("c.png"), tooShort, window: 4)).ParamName);
    }

    [Fact]
    public void Should_bin_overlaps_into_shared_percentages()
    {
        // Given overlaps 0 1 1 3 and a bin width of 2 over 2 bins
        // When
        var percentages = OverlapHistogramPlot.Percentages([0, 1, 1, 3], binWidth: 2, bins: 2);

        // Then [0, 2) holds 3 of 4, [2, 4) 1 of 4; bins widen past MaxBins token counts
        Assert.Equal([75.0, 25.0], percentages);
        Assert.Equal(1, OverlapHistogramPlot.BinWidth(OverlapHistogramPlot.MaxBins - 1));
        Assert.Equal(2, OverlapHistogramPlot.BinWidth(OverlapHistogramPlot.MaxBins));
    }

    [Fact]
    public void Should_write_the_overlap_histogram_with_one_series_per_model()
    {
        // Given two models' longest overlaps
        using var dir = new TempDirectory();
        var path = dir.File("overlap.png");
        var overlaps = new Dictionary<string, IReadOnlyList<int>>
        {
            ["original"] = [2, 3, 3, 4, 5],
            ["hyperfitted"] = [2, 2, 3, 6, 120],
        };

        // When
        OverlapHistogramPlot.Write(path, overlaps);

        // Then
        Png.AssertValid(path, 800, 500);
    }

    [Fact]
    public void Should_reject_an_overlap_histogram_with_an_empty_or_negative_series()
    {
        // Given no series; an empty series; a negative overlap
        using var dir = new TempDirectory();
        var none = new Dictionary<string, IReadOnlyList<int>>();
        var empty = new Dictionary<string, IReadOnlyList<int>> { ["a"] = [] };
        var negative = new Dictionary<string, IReadOnlyList<int>> { ["a"] = [1, -1] };

        // When / Then each names the overlaps argument
        Assert.Equal("overlaps", Assert.Throws<ArgumentException>(() => OverlapHistogramPlot.Write(dir.File("a.png"), none)).ParamName);
        Assert.Equal("overlaps", Assert.Throws<ArgumentException>(() => OverlapHistogramPlot.Write(dir.File("b.png"), empty)).ParamName);
        Assert.Equal("overlaps", Assert.Throws<ArgumentException>(() => OverlapHistogramPlot.Write(dir.File("c.png"), negative)).ParamName);
    }

    [Fact]
    public void Should_write_the_agreement_heatmap_and_replace_an_existing_file()
    {
        // Given a 3×3 agreement matrix and a stale file at the target path
        using var dir = new TempDirectory();
        var path = dir.File("agreement.png");
        File.WriteAllText(path, "stale");
        double[,] agreement = { { 1, 0.7, 0.71 }, { 0.7, 1, 0.69 }, { 0.71, 0.69, 1 } };

        // When
        AgreementHeatmapPlot.Write(path, agreement, ["seed 1", "seed 2", "seed 3"], width: 600, height: 600);

        // Then the PNG replaced it, with no temp file left
        Png.AssertValid(path, 600, 600);
        Png.AssertOnlyFile(dir.Path, "agreement.png");
    }

    [Fact]
    public void Should_reject_a_non_square_matrix_or_mismatched_labels()
    {
        // Given a 2×3 matrix; a 2×2 matrix with three labels; a value above 1
        using var dir = new TempDirectory();
        var path = dir.File("a.png");

        // When
        var notSquare = Assert.Throws<ArgumentException>(() => AgreementHeatmapPlot.Write(path, new double[2, 3], ["a", "b"]));
        var labels = Assert.Throws<ArgumentException>(() => AgreementHeatmapPlot.Write(path, new double[2, 2], ["a", "b", "c"]));
        var outOfRange = Assert.Throws<ArgumentException>(() => AgreementHeatmapPlot.Write(path, new double[,] { { 1.5 } }, ["a"]));

        // Then each names the offending argument
        Assert.Equal("agreement", notSquare.ParamName);
        Assert.Equal("labels", labels.ParamName);
        Assert.Equal("agreement", outOfRange.ParamName);
    }

    [Fact]
    public void Should_write_ttr_against_training_samples()
    {
        // Given mean TTRs at 1 … 16 samples, unsorted
        using var dir = new TempDirectory();
        var path = dir.File("samples.png");
        List<SamplesTtr> points = [new(16, 0.8), new(1, 0.4), new(4, 0.6)];

        // When
        TtrVsSamplesPlot.Write(path, points);

        // Then
        Png.AssertValid(path, 800, 500);
    }

    [Fact]
    public void Should_reject_missing_or_invalid_sample_points()
    {
        // Given no points; a sample count of 0; a repeated sample count
        using var dir = new TempDirectory();
        var path = dir.File("a.png");

        // When / Then each names the points argument
        Assert.Equal("points", Assert.Throws<ArgumentException>(() => TtrVsSamplesPlot.Write(path, [])).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentException>(() => TtrVsSamplesPlot.Write(path, [new(0, 0.5)])).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentException>(() => TtrVsSamplesPlot.Write(path, [new(2, 0.5), new(2, 0.6)])).ParamName);
    }
}
