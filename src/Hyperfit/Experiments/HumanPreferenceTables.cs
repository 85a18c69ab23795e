using System.Globalization;
using System.Text;
using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>
/// The human study's numbers in the experiment report: Table 1's "128 Pref" / "256 Pref" cells per decoding row
/// (pooled over seeds and context sets, §4) and Table 4 per context set at 256 tokens (§6.2), each with its 95%
/// cluster-bootstrap interval; the study's full report is in <c>OUT/human/</c>.
/// </summary>
internal static class HumanPreferenceTables
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Table 1's cell of a decoding at a length; null when the study has no item for it.</summary>
    public static PreferenceCell? Cell(StudyReport human, string decoding, int length) =>
        human.Table1.FirstOrDefault(c => c.Comparison == decoding && c.Length == length);

    /// <summary>A Table 1 row with its preference share (null without votes), intervals and vote counts.</summary>
    public static Table1Row WithPreference(Table1Row row, StudyReport human, string decoding)
    {
        var c128 = Cell(human, decoding, 128);
        var c256 = Cell(human, decoding, 256);
        return row with
        {
            Pref128 = c128?.Pref, Pref128Ci = c128?.BootstrapCi, Pref128Votes = c128?.Votes ?? 0,
            Pref256 = c256?.Pref, Pref256Ci = c256?.BootstrapCi, Pref256Votes = c256?.Votes ?? 0,
        };
    }

    /// <summary>Table 4: per context set (the spec's set order) plus the paper's average column.</summary>
    public static List<HumanTable4Row> Table4(ExperimentSpec spec, StudyReport human)
    {
        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        return
        [
            .. spec.Decoding.Select(d =>
            {
                var row = human.Table4.FirstOrDefault(r => r.Comparison == d.Label);
                return new HumanTable4Row
                {
                    Row = d.Label,
                    Average = row?.Average,
                    AverageCi = row?.AverageBootstrapCi,
                    Sets = sets.ToDictionary(set => set, set => row?.Sets.FirstOrDefault(c => c.ContextSet == set) is { } cell
                        ? new HumanSetCell(cell.Pref, cell.BootstrapCi, cell.Votes)
                        : new HumanSetCell(null, null, 0), StringComparer.Ordinal),
                };
            }),
        ];
    }

    /// <summary>"44.6 [40.1, 49.0]", or "–" without votes.</summary>
    public static string Text(double? pref, ConfidenceInterval? ci) => pref is { } p
        ? string.Create(Inv, $"{100 * p:F1}") + (ci is null ? "" : string.Create(Inv, $" [{100 * ci.Lower:F1}, {100 * ci.Upper:F1}]"))
        : "–";

    /// <summary>The Markdown of Table 4 and a summary of the study (agreement, position bias, where its report is).</summary>
    public static void AppendMarkdown(ExperimentSpec spec, IReadOnlyList<HumanTable4Row> table4, StudyReport human, StringBuilder md)
    {
        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        md.Append(Inv, $"## Table 4: human preference per context set, {StudyReport.Table4Length} tokens (%)\n\n")
          .Append("Share of votes preferring the model's continuation or judging it equal, [95% cluster-bootstrap CI]; Average: mean of the sets, as in the paper.\n\n")
          .Append("| Model |").Append(string.Concat(sets.Select(s => $" {s} |"))).Append(" Average |\n|---|")
          .Append(string.Concat(sets.Select(_ => "---|"))).Append("---|\n");
        foreach (var row in table4)
        {
            md.Append(Inv, $"| {row.Row} |").Append(string.Concat(sets.Select(set => row.Sets.GetValueOrDefault(set) is { } c ? $" {Text(c.Pref, c.Ci)} |" : " – |")))
              .Append(Inv, $" {Text(row.Average, row.AverageCi)} |\n");
        }

        var all = human.Agreement[0];
        string F3(double? v) => v is { } x ? x.ToString("F3", Inv) : "–";
        md.Append(Inv, $"\nHuman study `{human.Study}`: {human.CountedVotes} counted votes on {human.Items} items ({human.IncompleteItems} with fewer than 3 annotations, {human.ExtraVotes} extra votes excluded). ")
          .Append(Inv, $"CIs: {human.Bootstrap.Method} bootstrap, {human.Bootstrap.Resamples:N0} resamples of whole contexts within each context set. ")
          .Append(Inv, $"Agreement: Fleiss' κ {F3(all.FleissKappa)}, Krippendorff's α {F3(all.KrippendorffAlpha)}, unanimous {Text(all.Unanimity.Share, null)}%; ")
          .Append(Inv, $"first (left) text chosen in {Text(human.PositionBias.Share, null)}% of decisive votes (Wilson 95% CI {Text(human.PositionBias.WilsonCi?.Lower, null)}–{Text(human.PositionBias.WilsonCi?.Upper, null)}). ")
          .Append(Inv, $"Full study report: [{ExperimentRunner.HumanFolder}/{StudyReport.MarkdownFile}]({ExperimentRunner.HumanFolder}/{StudyReport.MarkdownFile})")
          .Append(human.ConsensusTtr.Figure is { } f ? $"; Figure 9 (left): [{ExperimentRunner.HumanFolder}/{f}]({ExperimentRunner.HumanFolder}/{f})" : "")
          .Append(".\n\n");
    }
}
