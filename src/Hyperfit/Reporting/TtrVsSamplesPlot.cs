using System.Globalization;
using ScottPlot;

namespace Hyperfit.Reporting;

/// <summary>Mean TTR of a model hyperfitted on <paramref name="Samples"/> training samples.</summary>
public sealed record SamplesTtr(int Samples, double MeanTtr);

/// <summary>
/// Figure 5 (right): mean TTR of generated texts against the number of training samples, on a log-2 x axis
/// (ticks at the measured sample counts), points joined by a line in increasing sample order.
/// </summary>
public static class TtrVsSamplesPlot
{
    /// <exception cref="ArgumentException"><paramref name="points"/> is empty, has a sample count below 1 or
    /// repeated, or a TTR outside [0, 1].</exception>
    public static void Write(
        string path,
        IReadOnlyList<SamplesTtr> points,
        string title = "Mean TTR vs number of training samples",
        int width = PlotFile.DefaultWidth,
        int height = PlotFile.DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(points);
        PlotFile.Validate(path, width, height);
        if (points.Count == 0)
        {
            throw new ArgumentException("Need at least one point.", nameof(points));
        }

        if (points.Any(p => p is null || p.Samples < 1 || !(p.MeanTtr is >= 0 and <= 1)))
        {
            throw new ArgumentException("Sample counts must be ≥ 1 and mean TTRs in [0, 1].", nameof(points));
        }

        if (points.Select(p => p.Samples).Distinct().Count() != points.Count)
        {
            throw new ArgumentException("A sample count appears twice.", nameof(points));
        }

        var sorted = points.OrderBy(p => p.Samples).ToList();
        var xs = sorted.Select(p => Math.Log2(p.Samples)).ToArray();
        var ys = sorted.Select(p => p.MeanTtr).ToArray();

        using var plot = PlotFile.Create(title, "Training samples (log₂ scale)", "Mean TTR");
        var line = plot.Add.Scatter(xs, ys, new ScottPlot.Palettes.Category10().GetColor(0));
        line.LineWidth = 2.5f;
        line.MarkerSize = 10;

        plot.Axes.Bottom.SetTicks(xs, sorted.Select(p => p.Samples.ToString(CultureInfo.InvariantCulture)).ToArray());
        var span = Math.Max(xs[^1] - xs[0], 1);
        plot.Axes.SetLimitsX(xs[0] - 0.05 * span, xs[^1] + 0.05 * span);
        var low = ys.Min();
        var high = ys.Max();
        var pad = Math.Max(0.05, 0.1 * (high - low));
        plot.Axes.SetLimitsY(Math.Max(0, low - pad), Math.Min(1, high + pad));
        PlotFile.Save(plot, path, width, height);
    }
}
