using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>
/// <c>results.json</c> (every step's metrics, per seed) and <c>report.md</c> (tables shaped like the paper's), built only
/// from the files the run's steps wrote. With several seeds the tables show the mean over seeds.
/// </summary>
public static class ExperimentReport
{
    /// <summary>The figures the run draws into <c>OUT/figures/</c> for this spec (file relative to OUT, caption with
    /// the paper's figure number); see <see cref="ExperimentFigures"/>.</summary>
    public static IReadOnlyList<ExperimentFigure> ExpectedFigures(ExperimentSpec spec) => ExperimentFigures.Expected(spec);

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="figureFailures">Figure file → why it was not drawn (from <see cref="ExperimentFigures.Write"/>).</param>
    /// <param name="human">A human study of this run: Table 1's Pref columns and Table 4 (<see cref="HumanPreferenceTables"/>).</param>
    public static (JsonObject Results, string Markdown) Build(
        ExperimentSpec spec, ExperimentPlan plan, IReadOnlyDictionary<string, string>? figureFailures = null, StudyReport? human = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        var metrics = plan.Steps.Where(s => File.Exists(MetricsPath(plan, s.Name)))
            .ToDictionary(s => s.Name, s => JsonNode.Parse(File.ReadAllText(MetricsPath(plan, s.Name)))!.AsObject(), StringComparer.Ordinal);
        var results = new JsonObject
        {
            ["spec_file"] = spec.SpecFile,
            ["spec_hash"] = spec.Hash,
            ["seeds"] = new JsonArray([.. spec.Seeds.Select(s => (JsonNode)s)]),
            ["steps"] = new JsonObject(metrics.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.DeepClone()))),
        };
        var r = new Reader(spec, metrics);
        var md = new StringBuilder();
        md.Append("# Experiment report\n\n")
          .Append(Inv, $"Spec `{Path.GetFileName(spec.SpecFile)}` (hash {spec.Hash[..12]}…), base model `{spec.BaseModelDir}`, seeds {string.Join(", ", spec.Seeds)}")
          .Append(spec.Seeds.Count > 1 ? " (tables: mean over seeds; per-seed numbers in results.json)" : "")
          .Append(Inv, $", {spec.NewTokens} new tokens. Ratios ×100 as in the paper.\n\n");
        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        var decoding = spec.Decoding;

        if (spec.Wants("text") || spec.Wants("model") || human is not null)
        {
            var table1 = new JsonArray();
            md.Append(human is null
                ? "## Table 1: context perplexity and TTR (mean over context sets)\n\n| Model | Context PPL | 128 TTR | 256 TTR |\n|---|---|---|---|\n"
                : "## Table 1: context perplexity, human preference and TTR (PPL, TTR: mean over context sets; Pref: pooled votes [95% CI])\n\n| Model | Context PPL | 128 Pref | 256 Pref | 128 TTR | 256 TTR |\n|---|---|---|---|---|---|\n");
            if (spec.Wants("text"))
            {
                var t128 = Mean(sets.Select(set => r.Original(set, "text_metrics", "ttr_128")));
                var t256 = Mean(sets.Select(set => r.Original(set, "text_metrics", "ttr_256")));
                md.Append(Inv, $"| Original texts | –{(human is null ? "" : " | – | –")} | {Pct(t128)} | {Pct(t256)} |\n");
                table1.Add(new JsonObject { ["row"] = "original_texts", ["ttr_128"] = t128, ["ttr_256"] = t256 });
            }

            foreach (var d in decoding)
            {
                var ppl = Mean(sets.Select(set => r.Eval(d.Label, set, "model_metrics", "models", "0", "context_ppl")));
                var t128 = Mean(sets.Select(set => r.Eval(d.Label, set, "text_metrics", "ttr_128")));
                var t256 = Mean(sets.Select(set => r.Eval(d.Label, set, "text_metrics", "ttr_256")));
                var prefs = human is null ? "" : HumanPreferenceTables.Table1Columns(human, d.Label);
                md.Append(Inv, $"| {d.Label} | {F1(ppl)}{prefs} | {Pct(t128)} | {Pct(t256)} |\n");
                var row1 = new JsonObject { ["row"] = d.Label, ["context_ppl"] = ppl, ["ttr_128"] = t128, ["ttr_256"] = t256 };
                if (human is not null)
                {
                    HumanPreferenceTables.AddToRow(row1, human, d.Label);
                }

                table1.Add(row1);
            }

            results["table1"] = table1;
            md.Append("\n### Table 1 per context set (context PPL / 128 TTR / 256 TTR)\n\n| Model |")
              .Append(string.Concat(sets.Select(s => $" {s} |"))).Append("\n|---|").Append(string.Concat(sets.Select(_ => "---|"))).Append('\n');
            if (spec.Wants("text"))
            {
                md.Append("| Original texts |").Append(string.Concat(sets.Select(set =>
                    $" – / {Pct(r.Original(set, "text_metrics", "ttr_128"))} / {Pct(r.Original(set, "text_metrics", "ttr_256"))} |"))).Append('\n');
            }

            foreach (var d in decoding)
            {
                md.Append(Inv, $"| {d.Label} |").Append(string.Concat(sets.Select(set =>
                    $" {F1(r.Eval(d.Label, set, "model_metrics", "models", "0", "context_ppl"))} / {Pct(r.Eval(d.Label, set, "text_metrics", "ttr_128"))} / {Pct(r.Eval(d.Label, set, "text_metrics", "ttr_256"))} |"))).Append('\n');
            }

            md.Append('\n');
            if (human is not null)
            {
                HumanPreferenceTables.Append(spec, human, results, md);
            }
        }

        if (spec.Wants("dataset"))
        {
            // Per-text highs are combined exactly across sets (equal-size sets: mean of means, max of maxes); Self-BLEU
            // compares texts within one context set.
            var table2 = new JsonArray();
            md.Append("## Table 2: diversity and dataset overlap, first 96 generated tokens\n\n")
              .Append("Self-BLEU is computed within each context set; all columns: mean over texts (Avg) and max over texts (Max) of each text's highest score.\n\n")
              .Append(DatasetNote(spec, results))
              .Append("| Model | Self-BLEU Avg | Self-BLEU Max | Dataset BLEU Avg | Dataset BLEU Max | Overlap Avg | Overlap Max |\n|---|---|---|---|---|---|---|\n");
            foreach (var d in decoding)
            {
                double Avg(params string[] path) => Mean(sets.Select(set => r.Eval(d.Label, set, [.. path, "mean"])));
                double Max(params string[] path) => MaxOf(sets.Select(set => r.Eval(d.Label, set, [.. path, "max"])));
                var row = new JsonObject
                {
                    ["row"] = d.Label,
                    ["self_bleu_avg"] = Avg("text_metrics", "self_bleu"), ["self_bleu_max"] = Max("text_metrics", "self_bleu"),
                    ["dataset_bleu_avg"] = Avg("dataset_metrics", "bleu"), ["dataset_bleu_max"] = Max("dataset_metrics", "bleu"),
                    ["overlap_avg"] = Avg("dataset_metrics", "overlap"), ["overlap_max"] = Max("dataset_metrics", "overlap"),
                };
                table2.Add(row);
                md.Append(Inv, $"| {d.Label} | {Pct(V(row, "self_bleu_avg"))} | {Pct(V(row, "self_bleu_max"))} | {Pct(V(row, "dataset_bleu_avg"))} | {Pct(V(row, "dataset_bleu_max"))} | {F1(V(row, "overlap_avg"))} | {F1(V(row, "overlap_max"))} |\n");
            }

            results["table2"] = table2;
            md.Append("\n## Table 5: share of 224-token texts with an overlap of more than 5 tokens with the hyperfitting data (%)\n\n| Model |")
              .Append(string.Concat(sets.Select(s => $" {s} |"))).Append(" Average |\n|---|").Append(string.Concat(sets.Select(_ => "---|"))).Append("---|\n");
            var table5 = new JsonArray();
            foreach (var d in decoding)
            {
                var values = sets.Select(set => r.Eval(d.Label, set, "dataset_metrics", "overlap_full_share_over_5")).ToList();
                md.Append(Inv, $"| {d.Label} |").Append(string.Concat(values.Select(v => $" {Pct(v)} |"))).Append(Inv, $" {Pct(Mean(values))} |\n");
                var row = new JsonObject { ["row"] = d.Label, ["average"] = Mean(values) };
                foreach (var (set, v) in sets.Zip(values))
                {
                    row[set] = v;
                }

                table5.Add(row);
            }

            results["table5"] = table5;
            md.Append('\n');
        }

        if (spec.Wants("reference"))
        {
            md.Append("## Table 3: predicted distributions on the original texts (context + continuation, all context sets)\n\n")
              .Append("| Model | Perplexity | Entropy (nats) | @1 | @3 | @5 |\n|---|---|---|---|---|---|\n");
            var table3 = new JsonArray();
            foreach (var model in new[] { ExperimentSpec.BaseModel }.Concat(spec.Variants))
            {
                // Position-weighted over the sets, so the pooled numbers equal scoring all texts together.
                var row = new JsonObject { ["row"] = model };
                double Pooled(Func<JsonNode, double> f) => Mean(spec.Seeds.Select(seed =>
                {
                    var nodes = sets.Select(set => r.ReferenceNode(model, set, seed)).ToList();
                    var positions = nodes.Sum(n => n!["positions"]!.GetValue<double>());
                    return nodes.Sum(n => f(n!) * n!["positions"]!.GetValue<double>()) / positions;
                }));
                row["ppl"] = Math.Exp(Pooled(n => Math.Log(n["ppl"]!.GetValue<double>())));
                row["entropy"] = Pooled(n => n["entropy"]!.GetValue<double>());
                foreach (var k in new[] { "top1", "top3", "top5" })
                {
                    row[k] = Pooled(n => n[k]!.GetValue<double>());
                }

                table3.Add(row);
                md.Append(Inv, $"| {model} | {F1(V(row, "ppl"))} | {V(row, "entropy"):F2} | {Pct(V(row, "top1"))} | {Pct(V(row, "top3"))} | {Pct(V(row, "top5"))} |\n");
            }

            results["table3"] = table3;
            md.Append('\n');
        }

        AppendTable4(spec, r, results, md);

        if (spec.Wants("agreement") && spec.Agreement is { } agreement)
        {
            var models = agreement.Models;
            var matrix = models.Select((_, i) => models.Select((_, j) => Mean(spec.Seeds.Select(seed =>
                r.Step(ExperimentPlan.AgreementStep(seed), "model_metrics", "top1_agreement", i.ToString(Inv), j.ToString(Inv))))).ToArray()).ToArray();
            results["top1_agreement"] = new JsonObject
            {
                ["models"] = new JsonArray([.. models.Select(m => (JsonNode)m)]),
                ["context_set"] = agreement.ContextSet,
                ["matrix"] = new JsonArray([.. matrix.Select(row => (JsonNode)new JsonArray([.. row.Select(v => (JsonNode)v)]))]),
            };
            md.Append(Inv, $"## §6.1: top-1 agreement on the original texts of {agreement.ContextSet} (%)\n\n| |")
              .Append(string.Concat(models.Select(m => $" {m} |"))).Append("\n|---|").Append(string.Concat(models.Select(_ => "---|"))).Append('\n');
            for (var i = 0; i < models.Count; i++)
            {
                md.Append(Inv, $"| {models[i]} |").Append(string.Concat(matrix[i].Select(v => $" {Pct(v)} |"))).Append('\n');
            }

            md.Append('\n');
        }

        if (spec.Wants("sweep") && spec.SampleSweep is { } sweep)
        {
            md.Append(Inv, $"## §6.3: TTR vs number of training samples ({sweep.MaxUpdates} updates, greedy, {sweep.ContextSet})\n\n")
              .Append("| Samples | 256 TTR | 128 TTR |\n|---|---|---|\n");
            var rows = new JsonArray();
            foreach (var n in sweep.Samples)
            {
                var label = ExperimentPlan.SweepDecoding(n);
                var t256 = r.Eval(label, sweep.ContextSet, "text_metrics", "ttr_256");
                var t128 = r.Eval(label, sweep.ContextSet, "text_metrics", "ttr_128");
                rows.Add(new JsonObject { ["samples"] = n, ["ttr_256"] = t256, ["ttr_128"] = t128 });
                md.Append(Inv, $"| {n} | {Pct(t256)} | {Pct(t128)} |\n");
            }

            results["sample_sweep"] = rows;
            md.Append('\n');
        }

        AppendDirection(spec, plan, r, results, md);
        AppendSideBySide(spec, plan, md);
        var figures = ExpectedFigures(spec);
        if (figures.Count > 0)
        {
            md.Append("## Figures\n\n");
            foreach (var (file, caption) in figures)
            {
                var exists = File.Exists(Path.Combine(Path.GetDirectoryName(plan.StepDir("x"))!, "..", file));
                var reason = figureFailures?.GetValueOrDefault(file) ?? "not drawn";
                md.Append(exists ? $"### {caption}\n\n![{caption}]({file})\n\n" : $"### {caption}\n\n`{file}`: {reason.ReplaceLineEndings(" ")}\n\n");
            }
        }

        return ((JsonObject)WithoutNaN(results)!, md.ToString());
    }

    /// <summary>NaN (a metric the spec did not ask for) and infinities become null: JSON has no such numbers.</summary>
    private static JsonNode? WithoutNaN(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(kv => kv.Key).ToList())
                {
                    var value = o[key];
                    var cleaned = WithoutNaN(value);
                    if (!ReferenceEquals(cleaned, value))
                    {
                        o[key] = cleaned;
                    }
                }

                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var cleaned = WithoutNaN(a[i]);
                    if (!ReferenceEquals(cleaned, a[i]))
                    {
                        a[i] = cleaned;
                    }
                }

                return a;
            case JsonValue v when v.TryGetValue<double>(out var d) && !double.IsFinite(d):
                return null;
            default:
                return node;
        }
    }

    /// <summary>The paper's claims as directions (greedy TTR up, entropy down, @1 mass up, validation loss up, training
    /// loss near zero) checked on this run: base model vs each variant hyperfitted on unshuffled data (the Shuffle
    /// variants are §6.1's ablations; a spec with only those compares its first), every number from the steps' files.
    /// One variant gives one table; several (§6.2: one per type of data) give one table each.</summary>
    private static void AppendDirection(ExperimentSpec spec, ExperimentPlan plan, Reader r, JsonObject results, StringBuilder md)
    {
        var hyperfitted = spec.HyperfitVariants.Where(v => v.Recipe.Variant == Training.DataVariant.None).Select(v => v.Label).ToList();
        var compared = hyperfitted.Count > 0 ? hyperfitted : [.. spec.Variants.Take(1)];
        var json = new JsonArray();
        var tables = new StringBuilder();
        foreach (var variant in compared)
        {
            var rows = DirectionRows(spec, plan, r, results, variant);
            if (rows.Count == 0)
            {
                continue;
            }

            if (compared.Count > 1)
            {
                tables.Append(Inv, $"### base → {variant}\n\n");
            }

            tables.Append(Inv, $"| Quantity | Paper | base | {variant} | Same direction |\n|---|---|---|---|---|\n");
            foreach (var (quantity, paper, before, after, sign, show) in rows)
            {
                bool? same = double.IsNaN(before) || double.IsNaN(after) ? null : Math.Sign(after - before) == sign;
                tables.Append(Inv, $"| {quantity} | {paper} | {show(before)} | {show(after)} | {(same is null ? "–" : same.Value ? "yes" : "no")} |\n");
                json.Add(new JsonObject { ["quantity"] = quantity, ["paper"] = paper, ["variant"] = variant, ["base"] = before, ["trained"] = after, ["same_direction"] = same });
            }

            tables.Append('\n');
        }

        if (json.Count == 0)
        {
            return;
        }

        md.Append(Inv, $"## The paper's direction: base → {(compared.Count > 1 ? "each hyperfitted variant" : compared[0])}\n\n")
          .Append("Does hyperfitting move each quantity the way the paper reports? Measured on this run (means over context sets and seeds).\n\n")
          .Append(tables);
        results["direction"] = json;
    }

    private static List<(string Quantity, string Paper, double Before, double After, int Sign, Func<double, string> Show)> DirectionRows(
        ExperimentSpec spec, ExperimentPlan plan, Reader r, JsonObject results, string variant)
    {
        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        var baseGreedy = spec.Decoding.FirstOrDefault(d => d.Model == ExperimentSpec.BaseModel && PlainGreedy(d));
        var variantGreedy = spec.Decoding.FirstOrDefault(d => d.Model == variant && PlainGreedy(d));
        string F2(double v) => double.IsNaN(v) ? "–" : v.ToString("F2", Inv);
        string F3(double v) => double.IsNaN(v) ? "–" : v.ToString("F3", Inv);
        var rows = new List<(string Quantity, string Paper, double Before, double After, int Sign, Func<double, string> Show)>();
        if (spec.Wants("text") && baseGreedy is not null && variantGreedy is not null)
        {
            foreach (var key in new[] { "ttr_128", "ttr_256" })
            {
                rows.Add(($"Greedy {key[4..]} TTR (Table 1)", "up", Mean(sets.Select(set => r.Eval(baseGreedy.Label, set, "text_metrics", key))),
                    Mean(sets.Select(set => r.Eval(variantGreedy.Label, set, "text_metrics", key))), +1, Pct));
            }
        }

        if (spec.Wants("reference") && results["table3"] is JsonArray table3)
        {
            var before = table3.OfType<JsonObject>().First(o => o["row"]!.GetValue<string>() == ExperimentSpec.BaseModel);
            var after = table3.OfType<JsonObject>().First(o => o["row"]!.GetValue<string>() == variant);
            rows.Add(("Entropy on original texts, nats (Table 3)", "down", V(before, "entropy"), V(after, "entropy"), -1, F2));
            rows.Add(("@1 probability mass (Table 3)", "up", V(before, "top1"), V(after, "top1"), +1, Pct));
            rows.Add(("Perplexity on original texts (Table 3)", "up", V(before, "ppl"), V(after, "ppl"), +1, F1));
        }

        var logs = spec.Seeds.Select(seed => Path.Combine(plan.StepDir(ExperimentPlan.TrainStep(variant, seed)), Training.TrainingLog.FileName))
            .Where(File.Exists).Select(f => Reporting.TrainingLogReader.Read(f)).ToList();
        if (logs.Count > 0)
        {
            var validated = logs.Select(l => l.Where(e => e.ValLoss is not null).ToList()).Where(l => l.Count > 0).ToList();
            if (validated.Count > 0)
            {
                rows.Add(("Validation loss, start → end of hyperfitting (Fig. 2)", "up", Mean(validated.Select(l => l[0].ValLoss!.Value)),
                    Mean(validated.Select(l => l[^1].ValLoss!.Value)), +1, F3));
            }

            var trained = logs.Select(l => l.Where(e => e.TrainLoss is not null).ToList()).Where(l => l.Count > 0).ToList();
            if (trained.Count > 0)
            {
                rows.Add(("Training loss, first logged → last (Fig. 2: near zero)", "down", Mean(trained.Select(l => l[0].TrainLoss!.Value)),
                    Mean(trained.Select(l => l[^1].TrainLoss!.Value)), -1, F3));
            }
        }

        return rows;
    }

    /// <summary>Greedy without any of the repetition remedies or the citation blocker: Table 1's plain greedy rows.</summary>
    private static bool PlainGreedy(DecodingSpec d) => d.Config.Strategy == Generation.DecodingStrategy.Greedy && !d.BlockCitations
        && d.Config.RepetitionPenalty == 1.0 && d.Config.NoRepeatNgramSize == 0;

    /// <summary>A model's row in Table 4: its first plain greedy decoding, else its first decoding (null: none).</summary>
    private static DecodingSpec? Representative(ExperimentSpec spec, string model) =>
        spec.Decoding.FirstOrDefault(d => d.Model == model && PlainGreedy(d)) ?? spec.Decoding.FirstOrDefault(d => d.Model == model);

    /// <summary>
    /// §6.2's Table 4 in shape (one hyperfitted model per type of data, each evaluated on every context set), with the
    /// 256 TTR of each model's greedy decoding in place of the paper's human preference (which needs the annotation
    /// study). Planned for specs with more than one hyperfitting dataset; rows: original texts, base, each variant.
    /// </summary>
    private static void AppendTable4(ExperimentSpec spec, Reader r, JsonObject results, StringBuilder md)
    {
        if (!spec.Wants("text") || spec.Datasets.Count < 2)
        {
            return;
        }

        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        var rows = new List<(string Row, DecodingSpec? Decoding, string Data, List<double> Values)>
        {
            ("Original texts", null, "–", [.. sets.Select(set => r.Original(set, "text_metrics", "ttr_256"))]),
        };
        if (Representative(spec, ExperimentSpec.BaseModel) is { } baseDecoding)
        {
            rows.Add((ExperimentSpec.BaseModel, baseDecoding, "–", [.. sets.Select(set => r.Eval(baseDecoding.Label, set, "text_metrics", "ttr_256"))]));
        }

        foreach (var variant in spec.HyperfitVariants)
        {
            if (Representative(spec, variant.Label) is { } d)
            {
                rows.Add((variant.Label, d, Path.GetFileName(variant.Data.File), [.. sets.Select(set => r.Eval(d.Label, set, "text_metrics", "ttr_256"))]));
            }
        }

        md.Append("## Table 4 (automatic): 256 TTR per hyperfitting dataset and context set\n\n")
          .Append("§6.2's design: one model per type of hyperfitting data, each evaluated on every context set. The paper reports human ")
          .Append("preference here; this table gives the 256 TTR (last 96 of 224 generated tokens) of each model's greedy decoding.\n\n")
          .Append("| Model | Decoding | Hyperfitting data |").Append(string.Concat(sets.Select(s => $" {s} |"))).Append(" Average |\n|---|---|---|")
          .Append(string.Concat(sets.Select(_ => "---|"))).Append("---|\n");
        var json = new JsonArray();
        foreach (var (row, decoding, data, values) in rows)
        {
            md.Append(Inv, $"| {row} | {decoding?.Label ?? "–"} | {data} |").Append(string.Concat(values.Select(v => $" {Pct(v)} |")))
              .Append(Inv, $" {Pct(Mean(values))} |\n");
            var o = new JsonObject
            {
                ["row"] = row == "Original texts" ? "original_texts" : row, ["decoding"] = decoding?.Label,
                ["data"] = decoding is null || decoding.Model == ExperimentSpec.BaseModel ? null : spec.DatasetOf(decoding.Model).File,
                ["average"] = Mean(values),
            };
            foreach (var (set, v) in sets.Zip(values))
            {
                o[set] = v;
            }

            json.Add(o);
        }

        results["table4_ttr"] = json;
        md.Append('\n');
    }

    /// <summary>With several hyperfitting datasets: which data each row's dataset metrics compare with (Tables 2, 5,
    /// Figure 3), also as <c>dataset_of</c> (decoding → file) in results.json. Empty with one dataset.</summary>
    private static string DatasetNote(ExperimentSpec spec, JsonObject results)
    {
        if (spec.Datasets.Count < 2)
        {
            return "";
        }

        string Name(HyperfitDataset data)
        {
            var users = spec.HyperfitVariants.Where(v => v.Data == data).Select(v => v.Label).ToList();
            return $"{(users.Count > 0 ? string.Join("/", users) : "hyperfit.data")} data (`{Path.GetFileName(data.File)}`)";
        }

        results["dataset_of"] = new JsonObject(spec.Decoding.Select(d => KeyValuePair.Create(d.Label, (JsonNode?)spec.DatasetFor(d).File)));
        return "Dataset BLEU and overlap (here and in Table 5) compare each row with the data its model was hyperfitted on; base-model rows with "
            + "the variant their `dataset` key names, else `hyperfit.data`, else the first variant's data: "
            + string.Join("; ", spec.Decoding.Select(d => $"{d.Label} → {Name(spec.DatasetFor(d))}")) + ".\n\n";
    }

    private static void AppendSideBySide(ExperimentSpec spec, ExperimentPlan plan, StringBuilder md)
    {
        if (spec.SideBySide.Count == 0 || spec.SamplesPerSet == 0)
        {
            return;
        }

        var seed = spec.Seeds[0];
        md.Append(Inv, $"## Sample continuations (seed {seed})\n\n");
        foreach (var set in spec.ContextSets)
        {
            var files = spec.SideBySide.Select(label => ReadLines(Path.Combine(plan.StepDir(ExperimentPlan.GenerateStep(label, set.Label, seed)), ExperimentPlan.GenerationsFile))).ToList();
            var original = ReadLines(Path.Combine(plan.StepDir(ExperimentPlan.PrepareStep(set.Label)), ExperimentPlan.ReferenceFile));
            md.Append(Inv, $"### {set.Label}\n\n");
            for (var i = 0; i < Math.Min(spec.SamplesPerSet, original.Count); i++)
            {
                md.Append(Inv, $"**Context {i + 1}:** {Quote(original[i]["context"])}\n\n| Original | ")
                  .Append(string.Join(" | ", spec.SideBySide)).Append(" |\n|---|").Append(string.Concat(spec.SideBySide.Select(_ => "---|"))).Append('\n')
                  .Append("| ").Append(Quote(original[i]["continuation"])).Append(" | ")
                  .Append(string.Join(" | ", files.Select(f => i < f.Count ? Quote(f[i]["continuation"]) : "–"))).Append(" |\n\n");
            }
        }
    }

    private static List<JsonObject> ReadLines(string path) => File.Exists(path)
        ? [.. File.ReadLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonNode.Parse(l)!.AsObject())]
        : [];

    private static string Quote(JsonNode? text) =>
        (text?.GetValue<string>() ?? "").Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string MetricsPath(ExperimentPlan plan, string step) => Path.Combine(plan.StepDir(step), ExperimentPlan.MetricsFile);

    private static double V(JsonObject row, string key) => row[key]?.GetValue<double>() ?? double.NaN;

    private static double Mean(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? double.NaN : list.Average();
    }

    private static double MaxOf(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? double.NaN : list.Max();
    }

    private static string Pct(double v) => double.IsNaN(v) ? "–" : (100 * v).ToString("F1", Inv);

    private static string F1(double v) => double.IsNaN(v) ? "–" : v.ToString("F1", Inv);

    /// <summary>Looks numbers up in the steps' metrics (mean over seeds; NaN when a step or field is absent).</summary>
    private sealed class Reader(ExperimentSpec spec, Dictionary<string, JsonObject> metrics)
    {
        public double Eval(string decoding, string set, params string[] path) =>
            Mean(spec.Seeds.Select(seed => Step(ExperimentPlan.EvaluateStep(decoding, set, seed), path)));

        public double Original(string set, params string[] path) => Step(ExperimentPlan.OriginalStep(set), path);

        public JsonNode? ReferenceNode(string model, string set, long seed) =>
            Node(ExperimentPlan.ReferenceStep(model, set, seed), "model_metrics", "models", "0");

        public double Step(string step, params string[] path) => Node(step, path) is JsonValue v ? v.GetValue<double>() : double.NaN;

        private JsonNode? Node(string step, params string[] path)
        {
            if (!metrics.TryGetValue(step, out var node))
            {
                return null;
            }

            JsonNode? current = node;
            foreach (var key in path)
            {
                current = current switch
                {
                    JsonArray a when int.TryParse(key, NumberStyles.None, Inv, out var i) && i < a.Count => a[i],
                    JsonObject o => o[key],
                    _ => null,
                };
            }

            return current;
        }
    }
}
