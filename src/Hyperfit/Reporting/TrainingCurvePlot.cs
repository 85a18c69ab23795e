using Hyperfit.Training;
using ScottPlot;

namespace Hyperfit.Reporting;

/// <summary>What the training curve's x axis counts.</summary>
public enum TrainingCurveAxis
{
    /// <summary>Epochs completed (fractional), as in Figure 2.</summary>
    Epoch,

    /// <summary>Optimizer updates.</summary>
    Update,
}

/// <summary>
/// Figure 2: training and validation loss (left axis) and the validation TTR of greedy continuations (right axis)
/// over a hyperfitting run, from the entries of its <c>training_log.json</c> (<see cref="TrainingLogReader"/>).
/// Entries without a value for a series (the first entry's null train loss, a run without validation data) are
/// skipped for that series only.
/// </summary>
public static class TrainingCurvePlot
{
    /// <exception cref="ArgumentException"><paramref name="entries"/> is empty or has no loss or TTR value to plot.</exception>
    public static void Write(
        string path,
        IReadOnlyList<TrainingLogEntry> entries,
        TrainingCurveAxis xAxis = TrainingCurveAxis.Epoch,
        string title = "Training and validation loss, validation TTR",
        int width = PlotFile.DefaultWidth,
        int height = PlotFile.DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(entries);
        PlotFile.Validate(path, width, height);
        if (entries.Count == 0)
        {
            throw new ArgumentException("The training log has no entries.", nameof(entries));
        }

        double X(TrainingLogEntry e) => xAxis == TrainingCurveAxis.Epoch ? e.Epoch : e.UpdateCounter;
        var train = Points(entries, e => e.TrainLoss, X);
        var validation = Points(entries, e => e.ValLoss, X);
        var ttr = Points(entries, e => e.ValTtr, X);
        if (train.Xs.Length + validation.Xs.Length + ttr.Xs.Length == 0)
        {
            throw new ArgumentException("No entry has a training loss, validation loss or validation TTR.", nameof(entries));
        }

        using var plot = PlotFile.Create(title, xAxis == TrainingCurveAxis.Epoch ? "Epoch" : "Update", "Loss");
        var palette = new ScottPlot.Palettes.Category10();
        AddLine(plot, train, "Training loss", palette.GetColor(0), LinePattern.Solid);
        AddLine(plot, validation, "Validation loss", palette.GetColor(1), LinePattern.Solid);
        if (ttr.Xs.Length > 0)
        {
            var line = AddLine(plot, ttr, "Validation TTR (right axis)", palette.GetColor(2), LinePattern.Dashed);
            line!.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "TTR";
            plot.Axes.Right.Label.FontSize = PlotFile.AxisLabelSize;
            plot.Axes.Right.Label.Bold = plot.Axes.Left.Label.Bold;
            plot.Axes.Right.TickLabelStyle.FontSize = PlotFile.TickLabelSize;
            plot.Axes.SetLimitsY(0, 1, plot.Axes.Right);
        }

        if (train.Xs.Length + validation.Xs.Length > 0)
        {
            plot.Axes.AutoScaleY(plot.Axes.Left);
            var limits = plot.Axes.GetDataLimits(plot.Axes.Bottom, plot.Axes.Left);
            plot.Axes.SetLimitsY(0, Math.Max(limits.Top, 1e-6) * 1.05, plot.Axes.Left);
        }

        PlotFile.LegendBelow(plot);
        PlotFile.Save(plot, path, width, height);
    }

    private static (double[] Xs, double[] Ys) Points(
        IReadOnlyList<TrainingLogEntry> entries, Func<TrainingLogEntry, double?> value, Func<TrainingLogEntry, double> x)
    {
        var kept = entries.Where(e => value(e) is { } v && double.IsFinite(v)).ToList();
        return (kept.Select(x).ToArray(), kept.Select(e => value(e)!.Value).ToArray());
    }

    private static ScottPlot.Plottables.Scatter? AddLine(
        Plot plot, (double[] Xs, double[] Ys) points, string label, Color color, LinePattern pattern)
    {
        if (points.Xs.Length == 0)
        {
            return null;
        }

        var line = plot.Add.Scatter(points.Xs, points.Ys, color);
        line.LegendText = label;
        line.LineWidth = 2.5f;
        line.MarkerSize = points.Xs.Length > 60 ? 0 : 6;
        line.LinePattern = pattern;
        return line;
    }
}
