using ScottPlot;

namespace Hyperfit.Reporting;

/// <summary>
/// Figure 5 (left): the N×N top-1 agreement matrix between models (share of positions where two models' top-1
/// predictions coincide, see <c>Hyperfit.Evaluation.TopOneAgreement</c>), as a heatmap with each cell's value written
/// in it. Row i is drawn top to bottom, column j left to right, both labelled with <c>labels</c>.
/// </summary>
public static class AgreementHeatmapPlot
{
    /// <param name="agreement">Square matrix of values in [0, 1]; [i, j] compares model i with model j.</param>
    /// <param name="labels">One label per row/column.</param>
    /// <exception cref="ArgumentException"><paramref name="agreement"/> is empty, not square or holds a value outside
    /// [0, 1]; <paramref name="labels"/> does not have one label per row.</exception>
    public static void Write(
        string path,
        double[,] agreement,
        IReadOnlyList<string> labels,
        string title = "Top-1 agreement",
        int width = PlotFile.DefaultWidth,
        int height = PlotFile.DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        ArgumentNullException.ThrowIfNull(labels);
        PlotFile.Validate(path, width, height);
        var n = agreement.GetLength(0);
        if (n == 0 || agreement.GetLength(1) != n)
        {
            throw new ArgumentException(
                $"The agreement matrix must be square and non-empty; it is {n}×{agreement.GetLength(1)}.", nameof(agreement));
        }

        if (labels.Count != n)
        {
            throw new ArgumentException($"Need {n} labels, one per row; got {labels.Count}.", nameof(labels));
        }

        if (labels.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Every label must be non-blank.", nameof(labels));
        }

        foreach (var value in agreement)
        {
            if (!(value is >= 0 and <= 1))
            {
                throw new ArgumentException($"Agreement values must lie in [0, 1]; found {value}.", nameof(agreement));
            }
        }

        using var plot = PlotFile.Create(title, "", "");
        var heatmap = plot.Add.Heatmap(agreement);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();

        // Unit cells centred on whole coordinates: column j at x = j, row i at y = n − 1 − i (row 0 on top).
        heatmap.Rectangle = new CoordinateRect(-0.5, n - 0.5, -0.5, n - 0.5);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Axis.TickLabelStyle.FontSize = PlotFile.TickLabelSize;

        var min = agreement.Cast<double>().Min();
        var max = agreement.Cast<double>().Max();
        var fontSize = Math.Clamp(120f / n, 10f, PlotFile.AxisLabelSize);
        for (var row = 0; row < n; row++)
        {
            for (var column = 0; column < n; column++)
            {
                var value = agreement[row, column];
                var text = plot.Add.Text(value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
                    column, n - 1 - row);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = fontSize;
                text.LabelBold = true;

                // Viridis is dark at the low end: white text there, black on the bright end.
                var position = max > min ? (value - min) / (max - min) : 1;
                text.LabelFontColor = position < 0.6 ? Colors.White : Colors.Black;
            }
        }

        var centres = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(centres, labels.ToArray());
        plot.Axes.Left.SetTicks(centres.Reverse().ToArray(), labels.ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = PlotFile.TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = PlotFile.TickLabelSize;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        if (labels.Max(l => l.Length) * n > 60)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        }

        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        plot.HideGrid();
        PlotFile.Save(plot, path, width, height);
    }
}
