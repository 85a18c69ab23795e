using Hyperfit.Evaluation;
using ScottPlot;

namespace Hyperfit.Reporting;

/// <summary>One point of a mean TTR-versus-length curve.</summary>
/// <param name="Length">Generated length L.</param>
/// <param name="MeanTtr">Mean, over the texts at least L tokens long, of the TTR of their tokens [L − window, L).</param>
/// <param name="Texts">How many texts reach L (and so enter the mean).</param>
public sealed record MeanTtrPoint(int Length, double MeanTtr, int Texts);

/// <summary>
/// Figure 9 (right): TTR of the 96 most recent tokens as a function of the generated length, one line per model or
/// decoding configuration, averaged per length over that configuration's continuations
/// (<see cref="TypeTokenRatio.Curve"/> per text). A text contributes only to the lengths it reaches, so the last
/// points of a line may rest on fewer texts. By default the curve starts at L = window: below it the ratio covers
/// fewer tokens and is not comparable (TTR rises as length falls).
/// </summary>
public static class TtrCurvePlot
{
    /// <summary>The per-length mean of <see cref="TypeTokenRatio.Curve"/> over <paramref name="continuations"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="continuations"/> is empty or holds an empty text.</exception>
    public static IReadOnlyList<MeanTtrPoint> MeanCurve(
        IReadOnlyList<int[]> continuations,
        int window = TypeTokenRatio.DefaultWindow,
        int step = 1,
        bool includeShorterThanWindow = false)
    {
        ArgumentNullException.ThrowIfNull(continuations);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        if (continuations.Count == 0 || continuations.Any(c => c is null || c.Length == 0))
        {
            throw new ArgumentException("Need at least one continuation, and no empty one.", nameof(continuations));
        }

        var sums = new SortedDictionary<int, (double Sum, int Count)>();
        foreach (var text in continuations)
        {
            foreach (var point in TypeTokenRatio.Curve(text, window, step))
            {
                if (point.ShorterThanWindow && !includeShorterThanWindow)
                {
                    continue;
                }

                var (sum, count) = sums.GetValueOrDefault(point.Length);
                sums[point.Length] = (sum + point.Value, count + 1);
            }
        }

        return sums.Select(kv => new MeanTtrPoint(kv.Key, kv.Value.Sum / kv.Value.Count, kv.Value.Count)).ToList();
    }

    /// <param name="series">Label → that configuration's continuations (token ids), in legend order.</param>
    /// <exception cref="ArgumentException"><paramref name="series"/> is empty, has an empty or duplicate label, an
    /// empty list or text, or (without <paramref name="includeShorterThanWindow"/>) no text reaching the window.</exception>
    public static void Write(
        string path,
        IEnumerable<KeyValuePair<string, IReadOnlyList<int[]>>> series,
        int window = TypeTokenRatio.DefaultWindow,
        int step = 1,
        bool includeShorterThanWindow = false,
        string title = "TTR of the most recent tokens vs generated length",
        int width = PlotFile.DefaultWidth,
        int height = PlotFile.DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(series);
        PlotFile.Validate(path, width, height);
        var list = series.ToList();
        SeriesChecks.RequireLabels(list.Select(kv => kv.Key).ToList(), nameof(series));
        var curves = new List<(string Label, IReadOnlyList<MeanTtrPoint> Points)>();
        foreach (var (label, continuations) in list)
        {
            IReadOnlyList<MeanTtrPoint> curve;
            try
            {
                curve = MeanCurve(continuations, window, step, includeShorterThanWindow);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Series \"{label}\": {e.Message}", nameof(series), e);
            }

            if (curve.Count == 0)
            {
                throw new ArgumentException(
                    $"Series \"{label}\": no continuation reaches the {window}-token window.", nameof(series));
            }

            curves.Add((label, curve));
        }

        using var plot = PlotFile.Create(title, "Generated length (tokens)", $"TTR of the last {window} tokens");
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < curves.Count; i++)
        {
            var (label, points) = curves[i];
            var line = plot.Add.Scatter(
                points.Select(p => (double)p.Length).ToArray(), points.Select(p => p.MeanTtr).ToArray(), palette.GetColor(i));
            line.LegendText = label;
            line.LineWidth = 2.5f;
            line.MarkerSize = points.Count > 40 ? 0 : 6;
        }

        plot.Axes.SetLimitsY(0, 1.02);
        PlotFile.LegendBelow(plot);
        PlotFile.Save(plot, path, width, height);
    }
}
