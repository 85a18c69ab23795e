using System.Globalization;
using System.Text;
using Hyperfit.Images;
using Hyperfit.Reporting;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>Measures an image experiment's completions (<see cref="ImageMetrics"/>) and writes its figures: the grid
/// (original | base | hyperfitted per row, the context rows marked) and Figure 10 (training and validation loss per epoch).</summary>
public static class ImageExperimentReport
{
    /// <summary>A completion nearer than this (mean absolute channel difference over the generated rows) to a hyperfitting
    /// image counts as a copy of it.</summary>
    public const double CopyDistance = 8.0;

    public const string FiguresFolder = "figures";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static (ImageExperimentResults Results, string Markdown) Build(ImageExperimentSpec spec, ImageExperimentData data, string output, Func<string, string> stepDir)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(stepDir);
        var processor = data.Processor;
        var (w, h, k) = (processor.Width, processor.Height, data.ContextRows);
        var originals = data.CompletionIds;
        var originalImages = originals.Select(processor.Decode).ToArray();

        var training = new List<ImageTrainingSummary>();
        var metrics = new List<ImageCompletionMetrics>();
        var completions = new List<(string Label, long? Seed, IReadOnlyList<int[]> Ids)>
        {
            (ImageExperimentRunner.BaseLabel, null, ImageIds.ReadJsonl(Path.Combine(stepDir(ImageExperimentRunner.CompleteStep(ImageExperimentRunner.BaseLabel, null)), ImageExperimentRunner.CompletionsFile))),
        };
        RgbImage[]? firstHyperfit = null;
        foreach (var seed in spec.Seeds)
        {
            var recipe = spec.RecipeFor(seed);
            var trainDir = stepDir(ImageExperimentRunner.TrainStep(seed));
            var log = TrainingLogReader.Read(Path.Combine(trainDir, TrainingLog.FileName));
            var dataset = SequenceDataset.FromDocuments(data.HyperfitSequences, recipe, spec.HyperfitImages.Data);
            var hyperfitImages = dataset.Training.Select(s => processor.Decode(s.Length == processor.Pixels ? s : s[1..])).ToArray();
            firstHyperfit ??= hyperfitImages;
            training.Add(new ImageTrainingSummary(seed, dataset.Training.Count, dataset.Validation.Count, log.Count > 0 ? log[^1].UpdateCounter : 0,
                log.Count > 0 ? log[^1].Epoch : 0, log.FirstOrDefault(e => e.ValLoss is not null)?.ValLoss, log.LastOrDefault(e => e.ValLoss is not null)?.ValLoss,
                log.LastOrDefault(e => e.TrainLoss is not null)?.TrainLoss, Path.GetRelativePath(output, Path.Combine(trainDir, TrainingLog.FileName))));
            completions.Add((ImageExperimentRunner.HyperfittedLabel, seed,
                ImageIds.ReadJsonl(Path.Combine(stepDir(ImageExperimentRunner.CompleteStep(ImageExperimentRunner.HyperfittedLabel, seed)), ImageExperimentRunner.CompletionsFile))));
        }

        metrics.Add(Measure("original", null, originals, originals, firstHyperfit!, processor, k, isOriginal: true));
        foreach (var (label, seed, ids) in completions)
        {
            metrics.Add(Measure(label, seed, ids, originals, firstHyperfit!, processor, k, isOriginal: false));
        }

        // Grids: original | base | hyperfitted (each seed), the first grid_images completions, 8 rows per file.
        var figures = Path.Combine(output, FiguresFolder);
        var grids = new List<string>();
        var shown = Math.Min(spec.GridImages, originals.Count);
        for (var start = 0; start < shown; start += 8)
        {
            var rows = Enumerable.Range(start, Math.Min(8, shown - start))
                .Select(i => (IReadOnlyList<RgbImage>)[originalImages[i], .. completions.Select(c => processor.Decode(c.Ids[i]))])
                .ToList();
            var path = Path.Combine(figures, string.Create(Inv, $"completions-{start / 8 + 1}.png"));
            ImageGrid.Write(path, rows, k, scale: Math.Max(2, 128 / Math.Max(w, h)));
            grids.Add(Path.GetRelativePath(output, path));
        }

        string? figure = null;
        var firstLog = TrainingLogReader.Read(Path.Combine(stepDir(ImageExperimentRunner.TrainStep(spec.Seeds[0])), TrainingLog.FileName));
        try
        {
            var path = Path.Combine(figures, "figure10-loss.png");
            TrainingCurvePlot.Write(path, firstLog, TrainingCurveAxis.Epoch, "Figure 10: training and validation loss");
            figure = Path.GetRelativePath(output, path);
        }
        catch (ArgumentException)
        {
            // no loss to draw (e.g. a run without validation and a single update); the numbers are still reported
        }

        var results = new ImageExperimentResults(spec.Hash, spec.SpecFile, spec.BaseModelDir, ImageGptProcessor.Describe(spec.Layout), w, h, k,
            training, metrics, grids, figure);
        return (results, Markdown(spec, results));
    }

    private static ImageCompletionMetrics Measure(string label, long? seed, IReadOnlyList<int[]> ids, IReadOnlyList<int[]> originals,
        IReadOnlyList<RgbImage> hyperfitImages, ImageGptProcessor processor, int contextRows, bool isOriginal)
    {
        var w = processor.Width;
        var repetition = ids.Select(i => ImageMetrics.RowRepetition(i, w, contextRows)).ToArray();
        var images = ids.Select(processor.Decode).ToArray();
        var nearest = images.Select(i => ImageMetrics.Nearest(i, hyperfitImages, contextRows).Distance).ToArray();
        return new ImageCompletionMetrics(label, seed, ids.Count,
            Finite(repetition.Average(r => r.Exact)),
            Finite(repetition.Average(r => r.Near)),
            Finite(ids.Average(i => ImageMetrics.GeneratedTtr(i, w, contextRows))),
            isOriginal ? null : Finite(images.Select((img, n) => ImageMetrics.MeanAbsoluteError(img, processor.Decode(originals[n]), contextRows)).Average()),
            isOriginal ? null : Finite(ids.Select((i, n) => ImageMetrics.IdAccuracy(i, originals[n], w, contextRows)).Average()),
            Finite(nearest.Average()),
            nearest.Count(d => d < CopyDistance));
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Markdown(ImageExperimentSpec spec, ImageExperimentResults r)
    {
        var md = new StringBuilder();
        md.Append(Inv, $"# {spec.Name}: image hyperfitting (§7.1, Appendix B.1)\n\n");
        md.Append(Inv, $"- Base model: `{r.BaseModel}`\n");
        md.Append(Inv, $"- Sequence layout: **{r.Layout}** ({(r.Layout == "raw" ? "the paper's official code: the pixel ids alone" : "transformers' pre-training layout: the start id first")})\n");
        md.Append(Inv, $"- Images {r.Width}×{r.Height}; completions from the first {r.ContextRows} rows (greedy, to the last pixel); spec `{spec.SpecFile}` (hash {spec.Hash[..12]}…)\n");
        foreach (var t in r.Training)
        {
            md.Append(Inv, $"- Hyperfitting, seed {t.Seed}: {t.Samples} images, {t.ValidationImages} validation images, {t.Updates} updates ({t.Epochs:0.##} epochs); ");
            md.Append(Inv, $"validation loss {Num(t.FirstValidationLoss)} → {Num(t.LastValidationLoss)}, last training loss {Num(t.LastTrainingLoss)}\n");
        }

        md.Append("\n## Completions\n\n");
        md.Append("| | images | repeated rows (exact) | repeated rows (≤ 10% differ) | TTR of generated ids | pixel error vs original | id accuracy | distance to nearest hyperfitting image | copies |\n");
        md.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var m in r.Completions)
        {
            var label = m.Seed is { } s ? string.Create(Inv, $"{m.Label} (seed {s})") : m.Label;
            md.Append(Inv, $"| {label} | {m.Images} | {Pct(m.RepeatedRows)} | {Pct(m.NearlyRepeatedRows)} | {Num(m.GeneratedTtr)} | {Num(m.PixelError)} | {Pct(m.IdAccuracy)} | {Num(m.NearestHyperfitDistance)} | {m.Copies} |\n");
        }

        md.Append(Inv, $"\nRepeated rows: share of generated rows equal (or nearly equal) to the row above — the image analogue of a looping text. TTR: distinct cluster ids / generated pixels. Pixel error and distances: mean absolute 8-bit channel difference over the generated rows (0–255), against the quantised images. Copies: completions nearer than {CopyDistance} to a hyperfitting image. The `original` row measures the held-out images themselves.\n");
        var baseline = r.Completions.FirstOrDefault(m => m.Label == ImageExperimentRunner.BaseLabel);
        var hyperfitted = r.Completions.Where(m => m.Label == ImageExperimentRunner.HyperfittedLabel).ToList();
        if (baseline?.NearlyRepeatedRows is { } b && hyperfitted.Count > 0 && hyperfitted.All(m => m.NearlyRepeatedRows is not null))
        {
            var mean = hyperfitted.Average(m => m.NearlyRepeatedRows!.Value);
            md.Append(Inv, $"\n**Fewer repetitive patterns after hyperfitting (the paper's direction)? {(mean < b ? "Yes" : "No")}**: nearly repeated rows {b * 100:F1}% (base) → {mean * 100:F1}% (hyperfitted{(hyperfitted.Count > 1 ? ", mean over seeds" : "")}).\n");
        }

        md.Append("\n## Figures\n\n");
        foreach (var g in r.Grids)
        {
            md.Append(Inv, $"![completions]({g}) — columns: original | base | {string.Join(" | ", hyperfitted.Select(m => $"hyperfitted (seed {m.Seed})"))}; the red tick marks the context rows.\n\n");
        }

        if (r.Figure is not null)
        {
            md.Append(Inv, $"![Figure 10]({r.Figure})\n");
        }

        return md.ToString();
    }

    private static string Num(double? v) => v is { } x ? x.ToString("0.000", Inv) : "–";

    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.0", Inv) + "%" : "–";
}
