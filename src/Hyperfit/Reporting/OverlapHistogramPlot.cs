using ScottPlot;

namespace Hyperfit.Reporting;

/// <summary>
/// Figure 3: distribution of the longest overlap (in tokens) between each generated text and the training dataset,
/// one step histogram per model over shared bins, as a share of that model's texts (so models with different text
/// counts compare). Bins are centred on whole token counts; they widen (to keep at most <see cref="MaxBins"/>) when
/// the longest overlap is long.
/// </summary>
public static class OverlapHistogramPlot
{
    /// <summary>Most bins drawn; wider bins beyond this many token counts.</summary>
    public const int MaxBins = 40;

    /// <summary>Shared bin width: 1 token, or wider so that 0..<paramref name="maxOverlap"/> fits in <see cref="MaxBins"/>.</summary>
    public static int BinWidth(int maxOverlap) => Math.Max(1, (int)Math.Ceiling((maxOverlap + 1) / (double)MaxBins));

    /// <summary>Percentage of <paramref name="overlaps"/> in each bin [k·w, (k+1)·w), k = 0 … <paramref name="bins"/> − 1.</summary>
    public static double[] Percentages(IReadOnlyList<int> overlaps, int binWidth, int bins)
    {
        ArgumentNullException.ThrowIfNull(overlaps);
        ArgumentOutOfRangeException.ThrowIfLessThan(binWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var counts = new double[bins];
        foreach (var overlap in overlaps)
        {
            counts[Math.Min(overlap / binWidth, bins - 1)]++;
        }

        return counts.Select(c => 100 * c / overlaps.Count).ToArray();
    }

    /// <param name="overlaps">Label → the longest overlap of each of that model's texts, in legend order.</param>
    /// <exception cref="ArgumentException"><paramref name="overlaps"/> is empty, has an empty, negative or
    /// duplicate-labelled series.</exception>
    public static void Write(
        string path,
        IEnumerable<KeyValuePair<string, IReadOnlyList<int>>> overlaps,
        string title = "Longest overlap with the dataset",
        int width = PlotFile.DefaultWidth,
        int height = PlotFile.DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(overlaps);
        PlotFile.Validate(path, width, height);
        var list = overlaps.ToList();
        SeriesChecks.RequireLabels(list.Select(kv => kv.Key).ToList(), nameof(overlaps));
        foreach (var (label, values) in list)
        {
            if (values is null || values.Count == 0)
            {
                throw new ArgumentException($"Series \"{label}\" has no texts.", nameof(overlaps));
            }

            if (values.Any(v => v < 0))
            {
                throw new ArgumentException($"Series \"{label}\" has a negative overlap.", nameof(overlaps));
            }
        }

        var max = list.Max(kv => kv.Value.Max());
        var binWidth = BinWidth(max);
        var bins = max / binWidth + 1;

        using var plot = PlotFile.Create(title, "Longest overlap with the dataset (tokens)", "Texts (%)");
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < list.Count; i++)
        {
            var (label, values) = list[i];
            var percentages = Percentages(values, binWidth, bins);

            // Step outline: up at the first bin's left edge, across each bin, down after the last.
            var xs = new List<double> { -0.5 * binWidth };
            var ys = new List<double> { 0 };
            for (var k = 0; k < bins; k++)
            {
                xs.Add((k - 0.5) * binWidth);
                ys.Add(percentages[k]);
            }

            xs.Add((bins - 0.5) * binWidth);
            ys.Add(0);
            var step = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), palette.GetColor(i));
            step.ConnectStyle = ConnectStyle.StepHorizontal;
            step.LineWidth = 2.5f;
            step.MarkerSize = 0;
            var sorted = values.Order().ToArray();
            step.LegendText = $"{label} (n = {values.Count}, median {sorted[sorted.Length / 2]}, max {sorted[^1]})";
        }

        // Whole token counts on the x axis, at a 1-2-5 step giving about a dozen ticks.
        var tickStep = 1;
        while (bins * binWidth / tickStep > 12)
        {
            tickStep = tickStep.ToString(System.Globalization.CultureInfo.InvariantCulture)[0] == '2' ? tickStep * 5 / 2 : tickStep * 2;
        }

        var ticks = Enumerable.Range(0, bins * binWidth / tickStep + 1).Select(i => (double)(i * tickStep)).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, ticks.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = PlotFile.TickLabelSize;
        plot.Axes.SetLimitsX(-0.5 * binWidth - 0.5, (bins - 0.5) * binWidth + 0.5);
        var top = plot.Axes.GetDataLimits().Top;
        plot.Axes.SetLimitsY(0, Math.Max(top, 1) * 1.08);
        PlotFile.LegendBelow(plot);
        PlotFile.Save(plot, path, width, height);
    }
}
