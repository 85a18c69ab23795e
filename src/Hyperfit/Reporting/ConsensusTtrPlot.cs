using System.Globalization;
using ScottPlot;

namespace Hyperfit.Reporting;

/// <summary>
/// Figure 9 (left, Appendix A.1): the TTR distributions of generated texts on whose quality all three annotators
/// agreed, "model text good" against "original preferred", as step histograms over shared 0.05-wide bins on [0, 1]
/// (share of each group's texts, so groups of different size compare) with each group's median as a dashed line.
/// The paper's reading: below a TTR of about 0.4 no text reaches a good consensus.
/// </summary>
public static class ConsensusTtrPlot
{
    /// <summary>Bin width on the TTR axis.</summary>
    public const double BinWidth = 0.05;

    /// <summary>Bins on [0, 1]; TTR 1 falls into the last one.</summary>
    public const int Bins = 20;

    /// <summary>Percentage of <paramref name="values"/> in each bin [k·w, (k+1)·w), the last bin closed.</summary>
    public static double[] Percentages(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var counts = new double[Bins];
        foreach (var v in values)
        {
            counts[Math.Clamp((int)Math.Floor(v / BinWidth + 1e-9), 0, Bins - 1)]++;
        }

        return values.Count == 0 ? counts : counts.Select(c => 100 * c / values.Count).ToArray();
    }

    /// <param name="path">PNG to write (atomically).</param>
    /// <param name="good">TTRs of texts all three annotators found good (preferred or equal).</param>
    /// <param name="originalPreferred">TTRs of texts whose original all three annotators preferred.</param>
    /// <exception cref="ArgumentException">Both groups empty, or a TTR outside [0, 1].</exception>
    public static void Write(
        string path,
        IReadOnlyList<double> good,
        IReadOnlyList<double> originalPreferred,
        string title = "TTR of texts with annotator consensus",
        int width = PlotFile.DefaultWidth,
        int height = PlotFile.DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(good);
        ArgumentNullException.ThrowIfNull(originalPreferred);
        PlotFile.Validate(path, width, height);
        if (good.Count + originalPreferred.Count == 0)
        {
            throw new ArgumentException("Both groups are empty: nothing to draw.", nameof(good));
        }

        foreach (var (name, values) in new[] { (nameof(good), good), (nameof(originalPreferred), originalPreferred) })
        {
            if (values.Any(v => !(v >= 0 && v <= 1)))
            {
                throw new ArgumentException("Every TTR must lie in [0, 1].", name);
            }
        }

        using var plot = PlotFile.Create(title, "TTR of the last 96 tokens of the model's text", "Texts of the group (%)");
        var groups = new[]
        {
            ("Consensus: model text good (preferred or equal)", good, new Color(31, 119, 180)),
            ("Consensus: original preferred", originalPreferred, new Color(214, 39, 40)),
        };
        var top = 0.0;
        foreach (var (label, values, color) in groups)
        {
            if (values.Count == 0)
            {
                continue;
            }

            var percentages = Percentages(values);
            top = Math.Max(top, percentages.Max());
            // Step outline: up at the first bin's left edge, across each bin, down after the last.
            var xs = new List<double> { 0 };
            var ys = new List<double> { 0 };
            for (var k = 0; k < Bins; k++)
            {
                xs.Add(k * BinWidth);
                ys.Add(percentages[k]);
            }

            xs.Add(Bins * BinWidth);
            ys.Add(0);
            var step = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
            step.ConnectStyle = ConnectStyle.StepHorizontal;
            step.LineWidth = 2.5f;
            step.MarkerSize = 0;
            step.FillY = true;
            step.FillYColor = color.WithAlpha(0.18);
            var median = Median(values);
            step.LegendText = string.Create(CultureInfo.InvariantCulture, $"{label}: n = {values.Count}, median {median:F2} (dashed)");
            var line = plot.Add.VerticalLine(median, 2, color, LinePattern.Dashed);
            line.LegendText = "";
        }

        // From the bins, not GetDataLimits: the median lines have no vertical extent and make its top NaN.
        plot.Axes.SetLimits(0, 1, 0, Math.Max(top, 1) * 1.08);
        PlotFile.LegendBelow(plot);
        PlotFile.Save(plot, path, width, height);
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
