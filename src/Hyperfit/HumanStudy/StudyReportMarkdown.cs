using System.Globalization;
using System.Text;

namespace Hyperfit.HumanStudy;

/// <summary>report.md of a human study: the same numbers as report.json, shares ×100 as in the paper.</summary>
internal static class StudyReportMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(StudyReport r)
    {
        var md = new StringBuilder();
        var b = r.Bootstrap;
        md.Append("# Human preference study\n\n")
          .Append(r.Study is { } study ? $"Study `{study}`. " : "")
          .Append(Inv, $"{r.Items} items, {r.Votes} votes: {r.CountedVotes} counted (each item's first {ProtocolVotes.AnnotationsPerItem} by submission), ")
          .Append(Inv, $"{r.ExtraVotes} extra votes excluded; {r.LateVotes} votes arrived after their hold expired. ")
          .Append(Inv, $"{r.IncompleteItems} items have fewer than {ProtocolVotes.AnnotationsPerItem} annotations (they count toward Pref, not toward Fleiss' kappa).\n\n")
          .Append("Pref: share of votes where the model's continuation was preferred or judged equally good to the original (§4), ×100. ")
          .Append(Inv, $"Bootstrap CI: {b.Confidence * 100:0.#}%, {b.Method} method, {b.Resamples:N0} resamples of {b.Unit}, seed {b.Seed}. ")
          .Append("Wilson CI: score interval treating votes as independent (narrower; for comparison).\n\n");

        md.Append("## Table 1: human preference (%)\n\n")
          .Append("| Comparison | Model | Length | Votes | Items complete / total | Pref | 95% CI bootstrap | 95% CI Wilson | Model / equal / original |\n")
          .Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var c in r.Table1)
        {
            md.Append(Inv, $"| {c.Comparison} | {c.Model} | {c.Length} | {c.Votes} | {c.ItemsComplete} / {c.ItemsTotal} | {Pct(c.Pref)} | {Ci(c.BootstrapCi)} | {Ci(c.WilsonCi)} | {c.ModelPreferred} / {c.Equal} / {c.OriginalPreferred} |\n");
        }

        md.Append('\n');
        if (r.Table4.Count > 0)
        {
            var sets = r.Table4[0].Sets.Select(s => s.ContextSet!).ToList();
            md.Append(Inv, $"## Table 4: human preference per context set, {StudyReport.Table4Length} tokens (%)\n\n")
              .Append("Each cell: Pref [95% bootstrap CI] (votes). Average: unweighted mean of the sets, as in the paper, with a bootstrap CI that resamples contexts within every set.\n\n")
              .Append("| Comparison |").Append(string.Concat(sets.Select(s => $" {s} |"))).Append(" Average |\n|---|")
              .Append(string.Concat(sets.Select(_ => "---|"))).Append("---|\n");
            foreach (var row in r.Table4)
            {
                md.Append(Inv, $"| {row.Comparison} |")
                  .Append(string.Concat(row.Sets.Select(c => string.Create(Inv, $" {Pct(c.Pref)} {Ci(c.BootstrapCi)} ({c.Votes}) |"))))
                  .Append(Inv, $" {Pct(row.Average)} {Ci(row.AverageBootstrapCi)} |\n");
            }

            md.Append('\n');
        }

        md.Append("## Agreement\n\n")
          .Append("Over the counted votes; categories model / original / equal. Fleiss' kappa: items with exactly 3 annotations. ")
          .Append("Krippendorff's alpha (nominal): every item with at least 2 annotations. Unanimous: complete items whose 3 annotations agree.\n\n")
          .Append("| Items | Complete | Fleiss' κ | Krippendorff's α (units) | Unanimous |\n|---|---|---|---|---|\n");
        foreach (var a in r.Agreement)
        {
            var scope = a.Length is { } l ? string.Create(Inv, $"{l} tokens") : "all";
            md.Append(Inv, $"| {scope}: {a.Items} | {a.CompleteItems} | {F3(a.FleissKappa)} | {F3(a.KrippendorffAlpha)} ({a.KrippendorffUnits}) | {Pct(a.Unanimity.Share)} ({a.Unanimity.Unanimous} / {a.Unanimity.Items}) |\n");
        }

        var p = r.PositionBias;
        md.Append(Inv, $"\nLeft-position bias: the first (left) text was chosen in {p.FirstChosen} of {p.Decisive} votes that chose a text: {Pct(p.Share)}% {Ci(p.WilsonCi)} (Wilson); ≈ 50% without a position preference.\n\n");

        md.Append("## Annotators\n\n| Annotator | Counted votes | Extra (excluded) | Late | First text chosen |\n|---|---|---|---|---|\n");
        foreach (var a in r.Annotators)
        {
            md.Append(Inv, $"| {a.Annotator} | {a.Votes} | {a.ExtraVotes} | {a.LateVotes} | {Pct(a.PositionBias.Share)}% of {a.PositionBias.Decisive} |\n");
        }

        var t = r.ConsensusTtr;
        md.Append("\n## Figure 9 (left): TTR of texts with annotator consensus\n\n")
          .Append(Inv, $"TTR of the model's shown text (last 96 tokens), both lengths, items whose three annotators agreed: model text good (all preferred it or judged it equal) {t.GoodItems} items, original preferred by all {t.OriginalItems}. Outliers: {t.Filter}; kept {t.Good.Count} and {t.OriginalPreferred.Count}.\n\n")
          .Append(t.Figure is { } f ? $"![Figure 9 left]({f})\n" : "Not drawn: no item with a consensus.\n");
        return md.ToString();
    }

    private static string Pct(double? v) => v is { } x ? (100 * x).ToString("F1", Inv) : "–";

    private static string F3(double? v) => v is { } x ? x.ToString("F3", Inv) : "–";

    private static string Ci(ConfidenceInterval? ci) => ci is null ? "–" : string.Create(Inv, $"[{100 * ci.Lower:F1}, {100 * ci.Upper:F1}]");
}
