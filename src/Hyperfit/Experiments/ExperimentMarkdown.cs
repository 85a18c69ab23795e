using System.Globalization;
using System.Text;
using Hyperfit.Data;
using Hyperfit.Generation;
using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>
/// A run's report.md, rendered from its <see cref="ExperimentResults"/> (tables shaped like the paper's, ratios ×100),
/// plus the side-by-side samples read from the generate steps' files and the figures' links. A missing cell is "–".
/// </summary>
public static class ExperimentMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="figureFailures">Figure file → why it was not drawn (from <see cref="ExperimentFigures.Write"/>).</param>
    public static string Render(ExperimentSpec spec, ExperimentPlan plan, ExperimentResults results, IReadOnlyDictionary<string, string>? figureFailures = null,
        StudyReport? human = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(results);
        var view = new StepMetricsView(spec, results.Steps);
        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        var lengths = new TtrLengths(spec.NewTokens);
        var md = new StringBuilder();
        md.Append("# Experiment report\n\n")
          .Append(Inv, $"Spec `{Path.GetFileName(spec.SpecFile)}` (hash {spec.Hash[..12]}…), base model `{spec.BaseModelDir}`, seeds {string.Join(", ", spec.Seeds)}")
          .Append(spec.Seeds.Count > 1 ? " (tables: mean over seeds; per-seed numbers in results.json)" : "")
          .Append(Inv, $", {spec.NewTokens} new tokens. Ratios ×100 as in the paper.")
          .Append(results.HyperfitVersion is { } version ? $" Written by Hyperfit {version} on {results.WrittenUtc}." : "")
          .Append("\n\n");
        if (lengths.Note.Length > 0)
        {
            md.Append(lengths.Note).Append("\n\n");
        }

        if (results.Table1 is { } table1)
        {
            AppendTable1(spec, view, sets, lengths, table1, human, md);
            if (human is not null && results.Table4 is { } humanTable4)
            {
                HumanPreferenceTables.AppendMarkdown(spec, humanTable4, human, md);
            }
        }

        if (results.Table2 is { } table2)
        {
            md.Append(Inv, $"## Table 2: diversity and dataset overlap, first {lengths.FirstTokens} generated tokens\n\n")
              .Append("Self-BLEU is computed within each context set; all columns: mean over texts (Avg) and max over texts (Max) of each text's highest score.\n\n")
              .Append(DatasetNote(spec))
              .Append("| Model | Self-BLEU Avg | Self-BLEU Max | Dataset BLEU Avg | Dataset BLEU Max | Overlap Avg | Overlap Max |\n|---|---|---|---|---|---|---|\n");
            foreach (var row in table2)
            {
                md.Append(Inv, $"| {row.Row} | {Pct(row.SelfBleuAvg)} | {Pct(row.SelfBleuMax)} | {Pct(row.DatasetBleuAvg)} | {Pct(row.DatasetBleuMax)} | {F1(row.OverlapAvg)} | {F1(row.OverlapMax)} |\n");
            }
        }

        if (results.Table5 is { } table5)
        {
            md.Append(Inv, $"\n## Table 5: share of {spec.NewTokens}-token texts with an overlap of more than 5 tokens with the hyperfitting data (%)\n\n| Model |")
              .Append(string.Concat(sets.Select(s => $" {s} |"))).Append(" Average |\n|---|").Append(string.Concat(sets.Select(_ => "---|"))).Append("---|\n");
            foreach (var row in table5)
            {
                md.Append(Inv, $"| {row.Row} |").Append(string.Concat(row.Sets.Select(v => $" {Pct(v.Value)} |"))).Append(Inv, $" {Pct(row.Average)} |\n");
            }

            md.Append('\n');
        }

        if (results.Table3 is { } table3)
        {
            md.Append("## Table 3: predicted distributions on the original texts (context + continuation, all context sets)\n\n")
              .Append("| Model | Perplexity | Entropy (nats) | @1 | @3 | @5 |\n|---|---|---|---|---|---|\n");
            foreach (var row in table3)
            {
                md.Append(Inv, $"| {row.Row} | {F1(row.Ppl)} | {F2(row.Entropy)} | {Pct(row.Top1)} | {Pct(row.Top3)} | {Pct(row.Top5)} |\n");
            }

            md.Append('\n');
        }

        if (results.Table4Ttr is { } table4)
        {
            md.Append(Inv, $"## Table 4 (automatic): {lengths.LastLabel} per hyperfitting dataset and context set\n\n")
              .Append("§6.2's design: one model per type of hyperfitting data, each evaluated on every context set. The paper reports human ")
              .Append(Inv, $"preference here; this table gives the {lengths.LastLabel} (last {lengths.LastTokens} of {lengths.LongText} generated tokens) of each model's greedy decoding.\n\n")
              .Append("| Model | Decoding | Hyperfitting data |").Append(string.Concat(sets.Select(s => $" {s} |"))).Append(" Average |\n|---|---|---|")
              .Append(string.Concat(sets.Select(_ => "---|"))).Append("---|\n");
            foreach (var row in table4)
            {
                var label = row.Row == Table1Row.OriginalTexts ? "Original texts" : row.Row;
                md.Append(Inv, $"| {label} | {row.Decoding ?? "–"} | {(row.Data is null ? "–" : Path.GetFileName(row.Data))} |")
                  .Append(string.Concat(row.Sets.Select(v => $" {Pct(v.Value)} |"))).Append(Inv, $" {Pct(row.Average)} |\n");
            }

            md.Append('\n');
        }

        if (results.Top1Agreement is { } agreement)
        {
            md.Append(Inv, $"## §6.1: top-1 agreement on the original texts of {agreement.ContextSet} (%)\n\n| |")
              .Append(string.Concat(agreement.Models.Select(m => $" {m} |"))).Append("\n|---|").Append(string.Concat(agreement.Models.Select(_ => "---|"))).Append('\n');
            for (var i = 0; i < agreement.Models.Count; i++)
            {
                md.Append(Inv, $"| {agreement.Models[i]} |").Append(string.Concat(agreement.Matrix[i].Select(v => $" {Pct(v)} |"))).Append('\n');
            }

            md.Append('\n');
        }

        if (results.SampleSweep is { } sweep && spec.SampleSweep is { } sweepSpec)
        {
            md.Append(Inv, $"## §6.3: TTR vs number of training samples ({sweepSpec.MaxUpdates} updates, greedy, {sweepSpec.ContextSet})\n\n")
              .Append(Inv, $"| Samples | {lengths.LastLabel} | {lengths.FirstLabel} |\n|---|---|---|\n");
            foreach (var row in sweep)
            {
                md.Append(Inv, $"| {row.Samples} | {Pct(row.Ttr256)} | {Pct(row.Ttr128)} |\n");
            }

            md.Append('\n');
        }

        AppendDirection(results.Direction, md);
        AppendDownstream(spec, results.Downstream, md);
        AppendSideBySide(spec, plan, md);
        AppendFigures(spec, plan, figureFailures, md);
        return md.ToString();
    }

    private static void AppendTable1(ExperimentSpec spec, StepMetricsView r, List<string> sets, TtrLengths lengths, IReadOnlyList<Table1Row> table1,
        StudyReport? human, StringBuilder md)
    {
        var (s, l) = (lengths.FirstLabel, lengths.LastLabel);
        md.Append(human is null
            ? $"## Table 1: context perplexity and TTR (mean over context sets)\n\n| Model | Context PPL | {s} | {l} |\n|---|---|---|---|\n"
            : $"## Table 1: context perplexity, human preference and TTR (PPL, TTR: mean over context sets; Pref: pooled votes [95% CI])\n\n| Model | Context PPL | 128 Pref | 256 Pref | {s} | {l} |\n|---|---|---|---|---|---|\n");
        foreach (var row in table1)
        {
            var label = row.Row == Table1Row.OriginalTexts ? "Original texts" : row.Row;
            var prefs = human is null ? ""
                : row.Row == Table1Row.OriginalTexts ? " | – | –"
                : $" | {HumanPreferenceTables.Text(row.Pref128, row.Pref128Ci)} | {HumanPreferenceTables.Text(row.Pref256, row.Pref256Ci)}";
            md.Append(Inv, $"| {label} | {(row.Row == Table1Row.OriginalTexts ? "–" : F1(row.ContextPpl))}{prefs} | {Pct(row.Ttr128)} | {Pct(row.Ttr256)} |\n");
        }

        md.Append(Inv, $"\n### Table 1 per context set (context PPL / {s} / {l})\n\n| Model |")
          .Append(string.Concat(sets.Select(set => $" {set} |"))).Append("\n|---|").Append(string.Concat(sets.Select(_ => "---|"))).Append('\n');
        if (spec.Wants("text"))
        {
            md.Append("| Original texts |").Append(string.Concat(sets.Select(set =>
                $" – / {Pct(r.Original(set, m => m.TextMetrics.Ttr128))} / {Pct(r.Original(set, m => m.TextMetrics.Ttr256))} |"))).Append('\n');
        }

        foreach (var d in spec.Decoding)
        {
            md.Append(Inv, $"| {d.Label} |").Append(string.Concat(sets.Select(set =>
                $" {F1(r.Eval(d.Label, set, ExperimentTables.ContextPpl))} / {Pct(r.Eval(d.Label, set, m => m.TextMetrics.Ttr128))} / {Pct(r.Eval(d.Label, set, m => m.TextMetrics.Ttr256))} |"))).Append('\n');
        }

        md.Append('\n');
    }

    /// <summary>With several hyperfitting datasets: which data each row's dataset metrics compare with (Tables 2, 5,
    /// Figure 3). Empty with one dataset.</summary>
    private static string DatasetNote(ExperimentSpec spec)
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

        return "Dataset BLEU and overlap (here and in Table 5) compare each row with the data its model was hyperfitted on; base-model rows with "
            + "the variant their `dataset` key names, else `hyperfit.data`, else the first variant's data: "
            + string.Join("; ", spec.Decoding.Select(d => $"{d.Label} → {Name(spec.DatasetFor(d))}")) + ".\n\n";
    }

    /// <summary>One table per compared variant (a §6.2 spec compares base with each of its hyperfitted variants).</summary>
    private static void AppendDirection(IReadOnlyList<DirectionRow>? direction, StringBuilder md)
    {
        if (direction is null || direction.Count == 0)
        {
            return;
        }

        var variants = direction.Select(r => r.Variant).Distinct().ToList();
        md.Append(Inv, $"## The paper's direction: base → {(variants.Count > 1 ? "each hyperfitted variant" : variants[0])}\n\n")
          .Append("Does hyperfitting move each quantity the way the paper reports? Measured on this run (means over context sets and seeds).\n\n");
        foreach (var variant in variants)
        {
            if (variants.Count > 1)
            {
                md.Append(Inv, $"### base → {variant}\n\n");
            }

            md.Append(Inv, $"| Quantity | Paper | base | {variant} | Same direction |\n|---|---|---|---|---|\n");
            foreach (var row in direction.Where(r => r.Variant == variant))
            {
                var show = Format(row.Quantity);
                md.Append(Inv, $"| {row.Quantity} | {row.Paper} | {show(row.Base)} | {show(row.Trained)} | {(row.SameDirection is { } same ? same ? "yes" : "no" : "–")} |\n");
            }

            md.Append('\n');
        }
    }

    /// <summary>Tables 7 and 8: each downstream report rendered as <c>hyperfit downstream</c> renders it, its headings
    /// moved two levels down under the table's; a table whose step did not finish says so.</summary>
    private static void AppendDownstream(ExperimentSpec spec, IReadOnlyList<DownstreamTable>? tables, StringBuilder md)
    {
        foreach (var seed in tables is null ? [] : spec.Seeds)
        {
            foreach (var d in spec.Downstream)
            {
                var table = DownstreamSpec.Tables[d.Benchmark];
                md.Append(Inv, $"## {table}: {d.Benchmark.ToUpperInvariant()}, base vs hyperfitted (seed {seed})\n\n");
                var found = tables!.FirstOrDefault(t => t.Seed == seed && t.Report.Benchmark == d.Benchmark);
                if (found is null)
                {
                    md.Append(Inv, $"`{ExperimentPlan.DownstreamStep(d.Benchmark, seed)}` did not finish.\n\n");
                    continue;
                }

                foreach (var line in Evaluation.Downstream.DownstreamMarkdown.Render(found.Report).Split('\n'))
                {
                    md.Append(line.StartsWith('#') ? "##" + line : line).Append('\n');
                }
            }
        }
    }

    /// <summary>How a direction row's numbers print: ratios ×100, entropy with 2 decimals, losses with 3, perplexity with 1.</summary>
    private static Func<double?, string> Format(string quantity) =>
        quantity.StartsWith("Entropy", StringComparison.Ordinal) ? F2
        : quantity.StartsWith("Perplexity", StringComparison.Ordinal) ? F1
        : quantity.Contains("loss", StringComparison.Ordinal) ? F3
        : Pct;

    /// <summary>The side-by-side decodings' continuations of the first contexts of each set next to the original.</summary>
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
                md.Append(Inv, $"**Context {i + 1}:** {Quote(original[i].Context)}\n\n| Original | ")
                  .Append(string.Join(" | ", spec.SideBySide)).Append(" |\n|---|").Append(string.Concat(spec.SideBySide.Select(_ => "---|"))).Append('\n')
                  .Append("| ").Append(Quote(original[i].Continuation)).Append(" | ")
                  .Append(string.Join(" | ", files.Select(f => i < f.Count ? Quote(f[i].Continuation) : "–"))).Append(" |\n\n");
            }
        }
    }

    private static void AppendFigures(ExperimentSpec spec, ExperimentPlan plan, IReadOnlyDictionary<string, string>? figureFailures, StringBuilder md)
    {
        var figures = ExperimentFigures.Expected(spec);
        if (figures.Count == 0)
        {
            return;
        }

        md.Append("## Figures\n\n");
        foreach (var (file, caption) in figures)
        {
            var exists = File.Exists(Path.Combine(Path.GetDirectoryName(plan.StepDir("x"))!, "..", file));
            var reason = figureFailures?.GetValueOrDefault(file) ?? "not drawn";
            md.Append(exists ? $"### {caption}\n\n![{caption}]({file})\n\n" : $"### {caption}\n\n`{file}`: {reason.ReplaceLineEndings(" ")}\n\n");
        }
    }

    private static IReadOnlyList<GenerationLine> ReadLines(string path) => File.Exists(path) ? GenerationsFile.Read(path) : [];

    private static string Quote(string? text) =>
        (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Pct(double? v) => v is { } x && double.IsFinite(x) ? (100 * x).ToString("F1", Inv) : "–";

    private static string F1(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F1", Inv) : "–";

    private static string F2(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F2", Inv) : "–";

    private static string F3(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F3", Inv) : "–";
}
