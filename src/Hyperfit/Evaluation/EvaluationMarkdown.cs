using System.Globalization;
using System.Text;

namespace Hyperfit.Evaluation;

/// <summary>metrics.md: the tables of one <see cref="EvaluationMetrics"/>, ratios ×100 as in the paper.</summary>
public static class EvaluationMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(EvaluationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var md = new StringBuilder();
        md.Append("# Evaluation of ").Append(Path.GetFileName(metrics.Generations)).Append("\n\n");
        var text = metrics.TextMetrics;
        md.Append("## Text metrics\n\n| Metric | Value |\n|---|---|\n");
        Row(md, "TTR, last 96 tokens (×100)", Pct(text.Ttr));
        Row(md, "128 TTR: first 96 generated tokens (×100)", Pct(text.Ttr128));
        Row(md, "256 TTR: last 96 of the first 224 (×100)", Pct(text.Ttr256));
        if (text.SelfBleu is { } self)
        {
            Row(md, "Self-BLEU avg / max, first 96 tokens (×100)", $"{Pct(self.Mean)} / {Pct(self.Max)}");
        }

        foreach (var n in text.DistinctN.Keys.Order())
        {
            Row(md, string.Create(Inv, $"distinct-{n} (corpus) / rep-{n} (mean) (×100)"), $"{Pct(text.DistinctN[n])} / {Pct(text.RepN[n])}");
        }

        md.Append('\n');
        if (metrics.DatasetMetrics is { } data)
        {
            md.Append("## Dataset metrics\n\n| Metric | Value |\n|---|---|\n");
            Row(md, "Dataset BLEU avg / max, first 96 tokens (×100)", $"{Pct(data.Bleu.Mean)} / {Pct(data.Bleu.Max)}");
            Row(md, "Dataset overlap avg / max, first 96 tokens (tokens)", $"{F1(data.Overlap.Mean)} / {F1(data.Overlap.Max)}");
            Row(md, "Overlap avg / max, whole continuation (tokens)", $"{F1(data.OverlapFull.Mean)} / {F1(data.OverlapFull.Max)}");
            Row(md, "Texts with overlap > 5 tokens, whole continuation (%)", Pct(data.OverlapFullShareOver5));
            Row(md, "Texts with overlap > 10 tokens, whole continuation (%)", Pct(data.OverlapFullShareOver10));
            md.Append('\n');
        }

        if (metrics.ModelMetrics is { } model)
        {
            md.Append(Inv, $"## Model metrics (texts: {model.Texts})\n\n")
              .Append("| # | Model | Context PPL | PPL | Entropy (nats) | @1 | @3 | @5 |\n|---|---|---|---|---|---|---|---|\n");
            foreach (var (s, number) in model.Models.Select((s, i) => (s, i + 1)))
            {
                md.Append(Inv,
                    $"| {number} | {Path.GetFileName(Path.TrimEndingDirectorySeparator(s.Model))} | {s.ContextPpl:F1} | {s.Ppl:F1} | {s.Entropy:F2} | {Pct(s.Top1)} | {Pct(s.Top3)} | {Pct(s.Top5)} |\n");
            }

            md.Append('\n');
            if (model.Top1Agreement is { } matrix)
            {
                md.Append("## Top-1 agreement (%)\n\n| |").Append(string.Concat(matrix.Select((_, i) => string.Create(Inv, $" {i + 1} |"))))
                  .Append("\n|---|").Append(string.Concat(matrix.Select(_ => "---|"))).Append('\n');
                for (var i = 0; i < matrix.Count; i++)
                {
                    md.Append(Inv, $"| {i + 1} |").Append(string.Concat(matrix[i].Select(v => $" {Pct(v)} |"))).Append('\n');
                }

                md.Append('\n');
            }
        }

        return md.ToString();
    }

    private static void Row(StringBuilder md, string name, string value) => md.Append("| ").Append(name).Append(" | ").Append(value).Append(" |\n");

    private static string Pct(double v) => (100 * v).ToString("F1", Inv);

    private static string F1(double v) => v.ToString("F1", Inv);
}
