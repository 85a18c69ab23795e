using ScottPlot;

namespace Hyperfit.Reporting;

/// <summary>Shared look and output of the report's figures: readable font sizes, an outside legend, and an atomic
/// PNG write (temp file beside the target, then rename), so a reader never sees half a picture.</summary>
internal static class PlotFile
{
    public const int DefaultWidth = 800;
    public const int DefaultHeight = 500;

    public const float TitleSize = 22;
    public const float AxisLabelSize = 18;
    public const float TickLabelSize = 15;
    public const float LegendSize = 15;

    /// <summary>A new plot with the report's sans-serif font, a title and axis labels at readable sizes.</summary>
    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(Fonts.Sans);
        plot.Title(title, TitleSize);
        plot.XLabel(xLabel, AxisLabelSize);
        plot.YLabel(yLabel, AxisLabelSize);
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.TickLabelStyle.FontSize = TickLabelSize;
        }

        return plot;
    }

    /// <summary>Legend below the data area, so it never hides a curve.</summary>
    public static void LegendBelow(Plot plot)
    {
        plot.Legend.FontSize = LegendSize;
        plot.Legend.TightHorizontalWrapping = true;
        plot.ShowLegend(Edge.Bottom);
    }

    /// <summary>Checks the output arguments before any work is done.</summary>
    public static void Validate(string path, int width, int height)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
    }

    /// <summary>Renders <paramref name="plot"/> to a PNG at <paramref name="path"/> (folders created), atomically.</summary>
    public static void Save(Plot plot, string path, int width, int height)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp.png");
        try
        {
            plot.SavePng(temp, width, height);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
