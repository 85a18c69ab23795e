using System.Globalization;
using Hyperfit.Evaluation;
using Hyperfit.Generation;
using Hyperfit.Reporting;

namespace Hyperfit.Experiments;

/// <summary>A figure the run draws into <c>OUT/figures/</c>: its path relative to OUT and its report caption.</summary>
public sealed record ExperimentFigure(string File, string Caption);

/// <summary>
/// The paper's figures, drawn with <c>Hyperfit.Reporting</c> from the files the run's steps wrote. Figures are cheap,
/// so they are redrawn on every run (no done markers): the folder is emptied first, so a figure that cannot be drawn
/// this time leaves no stale file behind. A figure whose inputs the spec does not produce is not planned at all.
/// </summary>
public static class ExperimentFigures
{
    public const string Folder = "figures";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string TrainingCurveFile(string model, long seed) => string.Create(Inv, $"{Folder}/figure2-training-{model}-s{seed}.png");

    public const string OverlapHistogramFile = Folder + "/figure3-overlap-histogram.png";
    public const string TtrCurveFile = Folder + "/figure9-ttr-vs-length.png";
    public const string AgreementFile = Folder + "/figure5-top1-agreement.png";
    public const string TtrVsSamplesFile = Folder + "/figure5-ttr-vs-samples.png";

    /// <summary>The figures this spec's steps give inputs for, in report order.</summary>
    public static IReadOnlyList<ExperimentFigure> Expected(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var seeds = spec.Seeds.Count > 1 ? ", all seeds" : "";
        var figures = new List<ExperimentFigure>();
        foreach (var seed in spec.Seeds)
        {
            // validate_every 0 logs nothing: no training curve then
            figures.AddRange(spec.Variants.Where(model => spec.RecipeFor(model, seed).ValidateEvery > 0).Select(model => new ExperimentFigure(TrainingCurveFile(model, seed),
                string.Create(Inv, $"Figure 2: training loss, validation loss and validation TTR of {model} (seed {seed}) per epoch"))));
        }

        if (spec.Wants("dataset") && spec.Decoding.Count > 0)
        {
            var data = spec.Datasets.Count > 1 ? "its model's hyperfitting data (base models: see Table 2)" : "the hyperfitting data";
            figures.Add(new ExperimentFigure(OverlapHistogramFile,
                $"Figure 3: longest overlap of each whole continuation with {data}, per decoding configuration (all context sets{seeds})"));
        }

        if (spec.Decoding.Count > 0)
        {
            figures.Add(new ExperimentFigure(TtrCurveFile, string.Create(Inv,
                $"Figure 9 (right): TTR of the last {TtrWindow(spec)} tokens vs generated length, one line per decoding configuration (all context sets{seeds})")));
        }

        if (spec.Wants("agreement") && spec.Agreement is not null)
        {
            figures.Add(new ExperimentFigure(AgreementFile, $"Figure 5 (left) / §6.1: top-1 agreement on the original texts of {spec.Agreement.ContextSet}"));
        }

        if (spec.Wants("sweep") && spec.SampleSweep is not null)
        {
            figures.Add(new ExperimentFigure(TtrVsSamplesFile, $"Figure 5 (right) / §6.3: 256 TTR vs number of training samples (greedy, {spec.SampleSweep.ContextSet})"));
        }

        return figures;
    }

    /// <summary>Empties <c>OUT/figures/</c> and draws every expected figure. A figure whose data cannot be plotted
    /// (e.g. no text reaches the TTR window) is logged and left out; the result maps each such file to the reason.</summary>
    public static IReadOnlyDictionary<string, string> Write(ExperimentSpec spec, ExperimentPlan plan, string output, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        log ??= _ => { };
        var folder = Path.Combine(output, Folder);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var figure in Expected(spec))
        {
            var path = Path.Combine(output, figure.File);
            try
            {
                Draw(spec, plan, figure.File, path);
                log($"wrote {path}");
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or FormatException or InvalidOperationException)
            {
                failures[figure.File] = e.Message;
                log($"figure {figure.File} not drawn: {e.Message}");
            }
        }

        return failures;
    }

    private static int TtrWindow(ExperimentSpec spec) => Math.Min(TypeTokenRatio.DefaultWindow, spec.NewTokens);

    private static void Draw(ExperimentSpec spec, ExperimentPlan plan, string file, string path)
    {
        switch (file)
        {
            case OverlapHistogramFile:
                OverlapHistogramPlot.Write(path, spec.Decoding.Select(d => KeyValuePair.Create(d.Label, (IReadOnlyList<int>)Overlaps(spec, plan, d.Label))).ToList(),
                    title: "Longest overlap with the hyperfitting data");
                break;
            case TtrCurveFile:
                TtrCurves(spec, plan, path);
                break;
            case AgreementFile:
                Agreement(spec, plan, path);
                break;
            case TtrVsSamplesFile:
                var sweep = spec.SampleSweep!;
                TtrVsSamplesPlot.Write(path, [.. sweep.Samples.Select(n => new SamplesTtr(n, spec.Seeds.Average(seed =>
                    TextMetricsOf(plan, ExperimentPlan.EvaluateStep(ExperimentPlan.SweepDecoding(n), sweep.ContextSet, seed)).Ttr256)))],
                    title: "256 TTR vs number of training samples");
                break;
            default:
                var (model, seed) = spec.Seeds.SelectMany(s => spec.Variants.Select(m => (m, s))).Single(x => TrainingCurveFile(x.m, x.s) == file);
                var log = Path.Combine(plan.StepDir(ExperimentPlan.TrainStep(model, seed)), "training_log.json");
                TrainingCurvePlot.Write(path, TrainingLogReader.Read(log), TrainingCurveAxis.Epoch,
                    title: string.Create(Inv, $"Hyperfitting {model} (seed {seed})"));
                break;
        }
    }

    /// <summary>Per text, the longest overlap of its whole continuation with the hyperfitting data of the decoding's
    /// model (<see cref="ExperimentSpec.DatasetFor"/>). The evaluate steps store these as <c>overlap_full_histogram</c>
    /// (count of texts per overlap length, the per-text values without their order); without it they are computed
    /// from the generations and that data's tokenize step.</summary>
    internal static List<int> Overlaps(ExperimentSpec spec, ExperimentPlan plan, string decoding)
    {
        var values = new List<int>();
        SuffixAutomaton? automaton = null;
        foreach (var seed in spec.Seeds)
        {
            foreach (var set in spec.ContextSets)
            {
                var metrics = ReadMetrics(plan, ExperimentPlan.EvaluateStep(decoding, set.Label, seed));
                if (metrics?.DatasetMetrics?.OverlapFullHistogram is { } histogram)
                {
                    for (var k = 0; k < histogram.Count; k++)
                    {
                        values.AddRange(Enumerable.Repeat(k, histogram[k]));
                    }

                    continue;
                }

                automaton ??= new SuffixAutomaton([.. Data.DatasetReader.Read(
                    plan.TokenizedDataFor(plan.Decoding.Single(d => d.Label == decoding))).Select(r => r.InputIds!)]);
                var texts = Continuations(plan, decoding, set.Label, seed);
                if (texts.Count > 0)
                {
                    values.AddRange(DatasetOverlap.Compute(automaton, texts).Longest);
                }
            }
        }

        return values;
    }

    private static void TtrCurves(ExperimentSpec spec, ExperimentPlan plan, string path)
    {
        var window = TtrWindow(spec);
        var series = new List<KeyValuePair<string, IReadOnlyList<int[]>>>();
        foreach (var d in spec.Decoding)
        {
            IReadOnlyList<int[]> texts = [.. spec.Seeds.SelectMany(seed => spec.ContextSets.SelectMany(set => Continuations(plan, d.Label, set.Label, seed)))];
            if (texts.Count > 0 && TtrCurvePlot.MeanCurve(texts, window).Count > 0)
            {
                series.Add(KeyValuePair.Create(d.Label, texts)); // a configuration none of whose texts reaches the window has no line
            }
        }

        if (series.Count == 0)
        {
            throw new InvalidDataException(string.Create(Inv, $"no generated text reaches the {window}-token TTR window"));
        }

        TtrCurvePlot.Write(path, series, window, title: string.Create(Inv, $"TTR of the last {window} tokens vs generated length"));
    }

    private static void Agreement(ExperimentSpec spec, ExperimentPlan plan, string path)
    {
        var models = spec.Agreement!.Models;
        var matrices = spec.Seeds.Select(seed => ExperimentPlan.AgreementStep(seed))
            .Select(step => ReadMetrics(plan, step)?.ModelMetrics?.Top1Agreement
                            ?? throw new InvalidDataException($"{step}: no model_metrics.top1_agreement in {ExperimentPlan.MetricsFile}"))
            .ToList();
        var matrix = new double[models.Count, models.Count];
        for (var i = 0; i < models.Count; i++)
        {
            for (var j = 0; j < models.Count; j++)
            {
                matrix[i, j] = matrices.Average(m => m[i][j]);
            }
        }

        AgreementHeatmapPlot.Write(path, matrix, models, title: "Top-1 agreement on the original texts");
    }

    /// <summary>Non-empty continuations of one generate step (an empty one has no TTR or overlap).</summary>
    private static List<int[]> Continuations(ExperimentPlan plan, string decoding, string set, long seed)
    {
        var file = Path.Combine(plan.StepDir(ExperimentPlan.GenerateStep(decoding, set, seed)), ExperimentPlan.GenerationsFile);
        return [.. GenerationsFile.Read(file).Select(r => r.ContinuationIds).Where(ids => ids.Length > 0)];
    }

    private static TextMetrics TextMetricsOf(ExperimentPlan plan, string step) =>
        ReadMetrics(plan, step)?.TextMetrics ?? throw new InvalidDataException($"{step}: no {ExperimentPlan.MetricsFile}");

    private static EvaluationMetrics? ReadMetrics(ExperimentPlan plan, string step) =>
        MetricsFile.ReadIfExists(Path.Combine(plan.StepDir(step), ExperimentPlan.MetricsFile));
}
