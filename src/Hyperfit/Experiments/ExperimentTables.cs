using System.Globalization;
using Hyperfit.Data;
using Hyperfit.Evaluation;
using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>
/// The paper's tables of a run (<see cref="ExperimentResults"/>), computed only from the files its steps wrote, read
/// through their typed readers. With several seeds a cell is the mean over seeds; a cell whose inputs are missing is
/// null. <see cref="ExperimentMarkdown"/> renders the result.
/// </summary>
public static class ExperimentTables
{
    /// <param name="human">A human study of this run: Table 1's Pref columns and Table 4 (<see cref="HumanPreferenceTables"/>).</param>
    /// <param name="timings">The steps' timings (<see cref="ExperimentResults.StepTimings"/>).</param>
    public static ExperimentResults Build(ExperimentSpec spec, ExperimentPlan plan, StudyReport? human = null, IReadOnlyList<StepTiming>? timings = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        var steps = plan.Steps
            .Select(s => (s.Name, Metrics: MetricsFile.ReadIfExists(Path.Combine(plan.StepDir(s.Name), ExperimentPlan.MetricsFile))))
            .Where(x => x.Metrics is not null)
            .ToDictionary(x => x.Name, x => x.Metrics!, StringComparer.Ordinal);
        var view = new StepMetricsView(spec, steps);
        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        var table1 = spec.Wants("text") || spec.Wants("model") || human is not null ? Table1(spec, view, sets, human) : null;
        var table3 = spec.Wants("reference") ? Table3(spec, view, sets) : null;
        return new ExperimentResults
        {
            HyperfitVersion = HyperfitVersion.Current,
            WrittenUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            SpecFile = spec.SpecFile,
            SpecHash = spec.Hash,
            Seeds = spec.Seeds,
            NewTokens = spec.NewTokens,
            StepTimings = timings,
            Steps = steps,
            Table1 = table1,
            Table4 = human is null ? null : HumanPreferenceTables.Table4(spec, human),
            HumanStudy = human,
            DatasetOf = spec.Wants("dataset") && spec.Datasets.Count > 1
                ? spec.Decoding.ToDictionary(d => d.Label, d => spec.DatasetFor(d).File, StringComparer.Ordinal)
                : null,
            Table2 = spec.Wants("dataset") ? Table2(spec, view, sets) : null,
            Table5 = spec.Wants("dataset") ? Table5(spec, view, sets) : null,
            Table3 = table3,
            Table4Ttr = spec.Wants("text") && spec.Datasets.Count >= 2 ? Table4Ttr(spec, view, sets) : null,
            Top1Agreement = spec.Wants("agreement") && spec.Agreement is { } agreement ? Agreement(spec, view, agreement) : null,
            SampleSweep = spec.Wants("sweep") && spec.SampleSweep is { } sweep
                ? [.. sweep.Samples.Select(n => new SweepRow
                {
                    Samples = n,
                    Ttr256 = view.Eval(ExperimentPlan.SweepDecoding(n), sweep.ContextSet, m => m.TextMetrics.Ttr256),
                    Ttr128 = view.Eval(ExperimentPlan.SweepDecoding(n), sweep.ContextSet, m => m.TextMetrics.Ttr128),
                })]
                : null,
            Direction = Direction(spec, plan, view, table3),
            Downstream = spec.Downstream.Count == 0 ? null : DownstreamTables(spec, plan),
        };
    }

    private static List<Table1Row> Table1(ExperimentSpec spec, StepMetricsView r, List<string> sets, StudyReport? human)
    {
        var rows = new List<Table1Row>();
        if (spec.Wants("text"))
        {
            rows.Add(new Table1Row
            {
                Row = Table1Row.OriginalTexts,
                Ttr128 = Stats.Mean(sets.Select(set => r.Original(set, m => m.TextMetrics.Ttr128))),
                Ttr256 = Stats.Mean(sets.Select(set => r.Original(set, m => m.TextMetrics.Ttr256))),
            });
        }

        foreach (var d in spec.Decoding)
        {
            var row = new Table1Row
            {
                Row = d.Label,
                ContextPpl = Stats.Mean(sets.Select(set => r.Eval(d.Label, set, ContextPpl))),
                Ttr128 = Stats.Mean(sets.Select(set => r.Eval(d.Label, set, m => m.TextMetrics.Ttr128))),
                Ttr256 = Stats.Mean(sets.Select(set => r.Eval(d.Label, set, m => m.TextMetrics.Ttr256))),
            };
            rows.Add(human is null ? row : HumanPreferenceTables.WithPreference(row, human, d.Label));
        }

        return rows;
    }

    /// <summary>Table 1's context perplexity: the decoding model's (the first scored model's) on the contexts.</summary>
    public static double? ContextPpl(EvaluationMetrics m) => m.ModelMetrics?.Models is { Count: > 0 } models ? models[0].ContextPpl : null;

    /// <summary>Per-text highs are combined exactly across sets (equal-size sets: mean of means, max of maxes); Self-BLEU
    /// compares texts within one context set.</summary>
    private static List<Table2Row> Table2(ExperimentSpec spec, StepMetricsView r, List<string> sets) =>
    [
        .. spec.Decoding.Select(d =>
        {
            double? Avg(Func<EvaluationMetrics, MeanMax?> f) => Stats.Mean(sets.Select(set => r.Eval(d.Label, set, m => f(m)?.Mean)));
            double? Max(Func<EvaluationMetrics, MeanMax?> f) => Stats.Max(sets.Select(set => r.Eval(d.Label, set, m => f(m)?.Max)));
            return new Table2Row
            {
                Row = d.Label,
                SelfBleuAvg = Avg(m => m.TextMetrics.SelfBleu), SelfBleuMax = Max(m => m.TextMetrics.SelfBleu),
                DatasetBleuAvg = Avg(m => m.DatasetMetrics?.Bleu), DatasetBleuMax = Max(m => m.DatasetMetrics?.Bleu),
                OverlapAvg = Avg(m => m.DatasetMetrics?.Overlap), OverlapMax = Max(m => m.DatasetMetrics?.Overlap),
            };
        }),
    ];

    private static List<PerSetRow> Table5(ExperimentSpec spec, StepMetricsView r, List<string> sets) =>
    [
        .. spec.Decoding.Select(d =>
        {
            var values = sets.Select(set => KeyValuePair.Create(set, r.Eval(d.Label, set, m => m.DatasetMetrics?.OverlapFullShareOver5))).ToList();
            return new PerSetRow { Row = d.Label, Sets = values, Average = Stats.Mean(values.Select(v => v.Value)) };
        }),
    ];

    /// <summary>Position-weighted over the sets, so the pooled numbers equal scoring all texts together; mean over seeds.</summary>
    private static List<Table3Row> Table3(ExperimentSpec spec, StepMetricsView r, List<string> sets) =>
    [
        .. new[] { ExperimentSpec.BaseModel }.Concat(spec.Variants).Select(model =>
        {
            double? Pooled(Func<ModelScores, double> f) => Stats.Mean(spec.Seeds.Select(seed =>
            {
                var scores = sets.Select(set => r.Reference(model, set, seed)).ToList();
                if (scores.Any(s => s is null))
                {
                    return (double?)null;
                }

                var positions = scores.Sum(s => (double)s!.Positions);
                return scores.Sum(s => f(s!) * s!.Positions) / positions;
            }));
            return new Table3Row
            {
                Row = model,
                Ppl = Stats.Finite(Pooled(s => Math.Log(s.Ppl)) is { } logPpl ? Math.Exp(logPpl) : null),
                Entropy = Pooled(s => s.Entropy),
                Top1 = Pooled(s => s.Top1),
                Top3 = Pooled(s => s.Top3),
                Top5 = Pooled(s => s.Top5),
            };
        }),
    ];

    /// <summary>Greedy without any of the repetition remedies or the citation blocker: Table 1's plain greedy rows.</summary>
    public static bool PlainGreedy(DecodingSpec d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return d.Config.Strategy == Generation.DecodingStrategy.Greedy && !d.BlockCitations && d.Config.RepetitionPenalty == 1.0 && d.Config.NoRepeatNgramSize == 0;
    }

    /// <summary>A model's row in Table 4: its first plain greedy decoding, else its first decoding (null: none).</summary>
    private static DecodingSpec? Representative(ExperimentSpec spec, string model) =>
        spec.Decoding.FirstOrDefault(d => d.Model == model && PlainGreedy(d)) ?? spec.Decoding.FirstOrDefault(d => d.Model == model);

    /// <summary>§6.2's Table 4 in shape (one hyperfitted model per type of data, each evaluated on every context set),
    /// with the 256 TTR of each model's greedy decoding in place of the paper's human preference. Rows: original
    /// texts, base, each variant.</summary>
    private static List<PerSetRow> Table4Ttr(ExperimentSpec spec, StepMetricsView r, List<string> sets)
    {
        PerSetRow Row(string row, DecodingSpec? decoding, Func<string, double?> value)
        {
            var values = sets.Select(set => KeyValuePair.Create(set, value(set))).ToList();
            return new PerSetRow
            {
                Row = row,
                Decoding = decoding?.Label,
                Data = decoding is null || decoding.Model == ExperimentSpec.BaseModel ? null : spec.DatasetOf(decoding.Model).File,
                HasModelColumns = true,
                Sets = values,
                Average = Stats.Mean(values.Select(v => v.Value)),
            };
        }

        var rows = new List<PerSetRow> { Row(Table1Row.OriginalTexts, null, set => r.Original(set, m => m.TextMetrics.Ttr256)) };
        if (Representative(spec, ExperimentSpec.BaseModel) is { } baseDecoding)
        {
            rows.Add(Row(ExperimentSpec.BaseModel, baseDecoding, set => r.Eval(baseDecoding.Label, set, m => m.TextMetrics.Ttr256)));
        }

        foreach (var variant in spec.HyperfitVariants)
        {
            if (Representative(spec, variant.Label) is { } d)
            {
                rows.Add(Row(variant.Label, d, set => r.Eval(d.Label, set, m => m.TextMetrics.Ttr256)));
            }
        }

        return rows;
    }

    private static List<DownstreamTable> DownstreamTables(ExperimentSpec spec, ExperimentPlan plan) =>
    [
        .. from seed in spec.Seeds
           from d in spec.Downstream
           let step = ExperimentPlan.DownstreamStep(d.Benchmark, seed)
           let file = Path.Combine(plan.StepDir(step), ExperimentPlan.DownstreamFile)
           where File.Exists(file)
           select new DownstreamTable(DownstreamSpec.Tables[d.Benchmark], step, seed, Evaluation.Downstream.DownstreamReport.Read(file)),
    ];

    private static AgreementTable Agreement(ExperimentSpec spec, StepMetricsView r, AgreementSpec agreement)
    {
        var models = agreement.Models;
        var matrix = models.Select((_, i) => (IReadOnlyList<double?>)[.. models.Select((_, j) => Stats.Mean(spec.Seeds.Select(seed =>
            r.Metrics(ExperimentPlan.AgreementStep(seed))?.ModelMetrics?.Top1Agreement is { } m && i < m.Count && j < m[i].Count ? m[i][j] : (double?)null)))]).ToList();
        return new AgreementTable(models, agreement.ContextSet, matrix);
    }

    /// <summary>The paper's claims as directions (greedy TTR up, entropy down, @1 mass up, validation loss up, training
    /// loss near zero) checked on this run: base model vs each variant hyperfitted on unshuffled data (the Shuffle
    /// variants are §6.1's ablations; a spec with only those compares its first), every number from the steps' files.</summary>
    private static List<DirectionRow>? Direction(ExperimentSpec spec, ExperimentPlan plan, StepMetricsView r, List<Table3Row>? table3)
    {
        var hyperfitted = spec.HyperfitVariants.Where(v => v.Recipe.Variant == Training.DataVariant.None).Select(v => v.Label).ToList();
        var compared = hyperfitted.Count > 0 ? hyperfitted : [.. spec.Variants.Take(1)];
        var rows = compared.SelectMany(variant => DirectionRows(spec, plan, r, table3, variant)).ToList();
        return rows.Count == 0 ? null : rows;
    }

    private static List<DirectionRow> DirectionRows(ExperimentSpec spec, ExperimentPlan plan, StepMetricsView r, List<Table3Row>? table3, string variant)
    {
        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        var baseGreedy = spec.Decoding.FirstOrDefault(d => d.Model == ExperimentSpec.BaseModel && PlainGreedy(d));
        var variantGreedy = spec.Decoding.FirstOrDefault(d => d.Model == variant && PlainGreedy(d));
        var rows = new List<DirectionRow>();
        DirectionRow Row(string quantity, string paper, double? before, double? after, int sign) => new()
        {
            Quantity = quantity,
            Paper = paper,
            Variant = variant,
            Base = before,
            Trained = after,
            SameDirection = before is { } b && after is { } a ? Math.Sign(a - b) == sign : null,
        };

        var lengths = new TtrLengths(spec.NewTokens);
        if (spec.Wants("text") && baseGreedy is not null && variantGreedy is not null)
        {
            foreach (var (label, ttr) in new (string, Func<EvaluationMetrics, double?>)[]
                     {
                         (lengths.FirstLabel, m => m.TextMetrics.Ttr128), (lengths.LastLabel, m => m.TextMetrics.Ttr256),
                     })
            {
                rows.Add(Row($"Greedy {label} (Table 1)", "up", Stats.Mean(sets.Select(set => r.Eval(baseGreedy.Label, set, ttr))),
                    Stats.Mean(sets.Select(set => r.Eval(variantGreedy.Label, set, ttr))), +1));
            }
        }

        if (table3 is not null)
        {
            var before = table3.First(o => o.Row == ExperimentSpec.BaseModel);
            var after = table3.First(o => o.Row == variant);
            rows.Add(Row("Entropy on original texts, nats (Table 3)", "down", before.Entropy, after.Entropy, -1));
            rows.Add(Row("@1 probability mass (Table 3)", "up", before.Top1, after.Top1, +1));
            rows.Add(Row("Perplexity on original texts (Table 3)", "up", before.Ppl, after.Ppl, +1));
        }

        var logs = spec.Seeds.Select(seed => Path.Combine(plan.StepDir(ExperimentPlan.TrainStep(variant, seed)), Training.TrainingLog.FileName))
            .Where(File.Exists).Select(f => Reporting.TrainingLogReader.Read(f)).ToList();
        if (logs.Count > 0)
        {
            var validated = logs.Select(l => l.Where(e => e.ValLoss is not null).ToList()).Where(l => l.Count > 0).ToList();
            if (validated.Count > 0)
            {
                rows.Add(Row("Validation loss, start → end of hyperfitting (Fig. 2)", "up", validated.Average(l => l[0].ValLoss!.Value),
                    validated.Average(l => l[^1].ValLoss!.Value), +1));
            }

            var trained = logs.Select(l => l.Where(e => e.TrainLoss is not null).ToList()).Where(l => l.Count > 0).ToList();
            if (trained.Count > 0)
            {
                rows.Add(Row("Training loss, first logged → last (Fig. 2: near zero)", "down", trained.Average(l => l[0].TrainLoss!.Value),
                    trained.Average(l => l[^1].TrainLoss!.Value), -1));
            }
        }

        return rows;
    }
}
