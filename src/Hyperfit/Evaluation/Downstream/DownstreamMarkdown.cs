using System.Globalization;
using System.Text;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>Markdown rendering of a <see cref="DownstreamReport"/>: MMLU in the shape of the paper's Table 7
/// (prompt perplexity, accuracy per shot count) with categories and subjects; GLUE in the shape of Table 8 (task ×
/// metric rows, model × shots columns). Accuracies, F1 and MCC are printed ×100 as the tables do.</summary>
public static class DownstreamMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(DownstreamReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append(report.Benchmark == "mmlu" ? "# MMLU" : "# GLUE").Append(" — ").Append(report.Scoring).Append(" scoring\n\n");
        md.Append("- Reference: ").Append(report.Reference).Append('\n');
        md.Append("- Data: `").Append(report.Data).Append("` (").Append(report.Layout).Append("), split ").Append(report.Split).Append('\n');
        md.Append("- Max prompt length: ").Append(report.MaxLength is { } max ? max.ToString(Inv) + " tokens" : "each model's max positions");
        if (report.Seed is { } seed)
        {
            md.Append("; shot sampling seed ").Append(seed.ToString(Inv));
        }

        if (report.GenerateTokens is { } tokens)
        {
            md.Append("; ").Append(tokens.ToString(Inv)).Append(" greedy tokens per answer");
        }

        if (report.Limit is { } limit)
        {
            md.Append("; first ").Append(limit.ToString(Inv)).Append(report.Benchmark == "mmlu" ? " questions per subject" : " examples per task");
        }

        md.Append("\n\n");
        if (report.Benchmark == "mmlu")
        {
            Mmlu(report, md);
        }
        else
        {
            Glue(report, md);
        }

        return md.ToString();
    }

    private static void Mmlu(DownstreamReport report, StringBuilder md)
    {
        var harness = report.Scoring == "harness";
        md.Append("## Accuracy (×100)\n\n| Model | Zero-shot prompt PPL |");
        foreach (var k in report.Shots)
        {
            md.Append(CultureInfo.InvariantCulture, $" {k}-shot |");
        }

        md.Append("\n|---|---|").Append(string.Concat(report.Shots.Select(_ => "---|"))).Append('\n');
        foreach (var model in report.Models)
        {
            var runs = model.Mmlu ?? [];
            var ppl = runs.FirstOrDefault(r => r.ZeroShotPerplexity is not null)?.ZeroShotPerplexity;
            md.Append("| ").Append(model.Name).Append(" | ").Append(ppl is null ? "–" : ppl.MeanOverQuestions.ToString("F1", Inv)).Append(" |");
            foreach (var k in report.Shots)
            {
                var run = runs.FirstOrDefault(r => r.Shots == k);
                md.Append(' ').Append(Pct(run?.Accuracy));
                if (harness)
                {
                    md.Append(" (norm ").Append(Pct(run?.AccuracyNorm)).Append(')');
                }

                md.Append(" |");
            }

            md.Append('\n');
        }

        md.Append("\nPPL: mean over questions of each zero-shot prompt's perplexity (the pooled value is in the JSON).\n\n");

        var categories = report.Models.SelectMany(m => m.Mmlu ?? []).SelectMany(r => r.Categories.Select(c => c.Name)).Distinct().ToArray();
        md.Append("## Accuracy per category (×100)\n\n| Model | Shots |").Append(string.Concat(categories.Select(c => $" {c} |")))
          .Append("\n|---|---|").Append(string.Concat(categories.Select(_ => "---|"))).Append('\n');
        foreach (var model in report.Models)
        {
            foreach (var run in model.Mmlu ?? [])
            {
                md.Append("| ").Append(model.Name).Append(" | ").Append(run.Shots.ToString(Inv)).Append(" |");
                foreach (var category in categories)
                {
                    md.Append(' ').Append(Pct(run.Categories.FirstOrDefault(c => c.Name == category)?.Accuracy)).Append(" |");
                }

                md.Append('\n');
            }
        }

        var columns = report.Models.SelectMany(m => (m.Mmlu ?? []).Select(r => (Model: m.Name, Run: r))).ToArray();
        md.Append("\n## Accuracy per subject (×100)\n\n| Subject | Questions |")
          .Append(string.Concat(columns.Select(c => string.Create(Inv, $" {c.Model} {c.Run.Shots}-shot |"))))
          .Append("\n|---|---|").Append(string.Concat(columns.Select(_ => "---|"))).Append('\n');
        var subjects = columns.SelectMany(c => c.Run.Subjects.Select(s => (s.Name, s.Questions))).Distinct().OrderBy(s => s.Name, StringComparer.Ordinal);
        foreach (var (subject, questions) in subjects)
        {
            md.Append("| ").Append(subject).Append(" | ").Append(questions.ToString(Inv)).Append(" |");
            foreach (var (_, run) in columns)
            {
                md.Append(' ').Append(Pct(run.Subjects.FirstOrDefault(s => s.Name == subject)?.Accuracy)).Append(" |");
            }

            md.Append('\n');
        }

        md.Append("\n## Runs\n\n| Model | Shots | Questions | Scored | Skipped (too long) | Shots lowered | Mean shots | Questions/s | Seconds |");
        if (report.Scoring == "generate")
        {
            md.Append(" Unparsable |");
        }

        md.Append("\n|---|---|---|---|---|---|---|---|---|").Append(report.Scoring == "generate" ? "---|" : "").Append('\n');
        foreach (var model in report.Models)
        {
            foreach (var r in model.Mmlu ?? [])
            {
                md.Append(string.Create(Inv,
                    $"| {model.Name} | {r.Shots} | {r.Questions} | {r.Scored} | {r.SkippedTooLong} | {r.ShotsLowered} | {Fixed(r.MeanShotsUsed, "F2")} | {r.QuestionsPerSecond:F2} | {r.Seconds:F1} |"));
                if (r.Unparsable is { } u)
                {
                    md.Append(string.Create(Inv, $" {u} |"));
                }

                md.Append('\n');
            }
        }
    }

    private static void Glue(DownstreamReport report, StringBuilder md)
    {
        var columns = report.Models.SelectMany(m => report.Shots.Select(k => (Model: m, Shots: k))).ToArray();
        md.Append("## Scores (×100)\n\n| Task | Metric |")
          .Append(string.Concat(columns.Select(c => string.Create(Inv, $" {c.Model.Name} {(c.Shots == 0 ? "0S" : $"{c.Shots}S")} |"))))
          .Append("\n|---|---|").Append(string.Concat(columns.Select(_ => "---|"))).Append('\n');
        foreach (var task in report.Tasks ?? [])
        {
            var definition = GlueTask.Get(task);
            var metrics = new List<(string Name, Func<GlueRunResult, double?> Value)>();
            if (definition.ReportsMcc)
            {
                metrics.Add(("mcc", r => r.Mcc));
            }

            metrics.Add(("acc", r => r.Accuracy));
            if (definition.ReportsF1)
            {
                metrics.Add(("f1", r => r.F1));
            }

            if (report.Scoring == "harness")
            {
                metrics.Add(("acc_norm", r => r.AccuracyNorm));
            }

            foreach (var (name, value) in metrics)
            {
                md.Append("| ").Append(task).Append(" | ").Append(name).Append(" |");
                foreach (var (model, shots) in columns)
                {
                    var run = model.Glue?.FirstOrDefault(r => r.Task == task && r.Shots == shots);
                    md.Append(' ').Append(Pct(run is null ? null : value(run))).Append(" |");
                }

                md.Append('\n');
            }
        }

        md.Append("\n## Runs\n\n| Model | Task | Shots | Examples | Scored | Skipped (too long) | Shots lowered | Mean shots | Shot labels | Questions/s | Seconds |");
        if (report.Scoring == "generate")
        {
            md.Append(" Unparsable |");
        }

        md.Append("\n|---|---|---|---|---|---|---|---|---|---|---|").Append(report.Scoring == "generate" ? "---|" : "").Append('\n');
        foreach (var model in report.Models)
        {
            foreach (var r in model.Glue ?? [])
            {
                md.Append(string.Create(Inv,
                    $"| {model.Name} | {r.Task} | {r.Shots} | {r.Examples} | {r.Scored} | {r.SkippedTooLong} | {r.ShotsLowered} | {Fixed(r.MeanShotsUsed, "F2")} | {string.Join("/", r.ShotLabelCounts)} | {r.QuestionsPerSecond:F2} | {r.Seconds:F1} |"));
                if (r.Unparsable is { } u)
                {
                    md.Append(string.Create(Inv, $" {u} |"));
                }

                md.Append('\n');
            }
        }
    }

    private static string Pct(double? value) => value is { } v ? (100 * v).ToString("F1", Inv) : "–";

    private static string Fixed(double? value, string format) => value is { } v ? v.ToString(format, Inv) : "–";
}
