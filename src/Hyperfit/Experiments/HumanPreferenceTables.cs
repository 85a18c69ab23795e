using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>
/// The human study's numbers in the experiment report (<see cref="ExperimentReport"/>): Table 1's "128 Pref" /
/// "256 Pref" cells per decoding row (pooled over seeds and context sets, §4) and Table 4 per context set at 256
/// tokens (§6.2), each with its 95% cluster-bootstrap interval; the study's full report is in <c>OUT/human/</c>.
/// </summary>
internal static class HumanPreferenceTables
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Table 1's length scenarios (§4).</summary>
    private static readonly int[] Lengths = [128, 256];

    /// <summary>Table 1's cell of a decoding at a length; null when the study has no item for it.</summary>
    public static PreferenceCell? Cell(StudyReport human, string decoding, int length) =>
        human.Table1.FirstOrDefault(c => c.Comparison == decoding && c.Length == length);

    /// <summary>" | 128 Pref | 256 Pref" of a decoding row in the Markdown Table 1.</summary>
    public static string Table1Columns(StudyReport human, string decoding) =>
        string.Concat(Lengths.Select(l => Cell(human, decoding, l)).Select(c => $" | {Text(c?.Pref, c?.BootstrapCi)}"));

    /// <summary>"44.6 [40.1, 49.0]", or "–" without votes.</summary>
    public static string Text(double? pref, ConfidenceInterval? ci) => pref is { } p
        ? string.Create(Inv, $"{100 * p:F1}") + (ci is null ? "" : string.Create(Inv, $" [{100 * ci.Lower:F1}, {100 * ci.Upper:F1}]"))
        : "–";

    /// <summary>Adds pref_128 / pref_256 (share, null without votes), their bootstrap intervals and vote counts to a
    /// Table 1 row of results.json.</summary>
    public static void AddToRow(JsonObject row, StudyReport human, string decoding)
    {
        foreach (var length in Lengths)
        {
            var cell = Cell(human, decoding, length);
            row[$"pref_{length}"] = cell?.Pref;
            row[$"pref_{length}_ci"] = Interval(cell?.BootstrapCi);
            row[$"pref_{length}_votes"] = cell?.Votes ?? 0;
        }
    }

    /// <summary>Table 4 (per context set, the spec's set order, plus the paper's average column), a summary of the
    /// study (agreement, position bias, where its report is) and the full study report under "human_study".</summary>
    public static void Append(ExperimentSpec spec, StudyReport human, JsonObject results, StringBuilder md)
    {
        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        var table4 = new JsonArray();
        md.Append(Inv, $"## Table 4: human preference per context set, {StudyReport.Table4Length} tokens (%)\n\n")
          .Append("Share of votes preferring the model's continuation or judging it equal, [95% cluster-bootstrap CI]; Average: mean of the sets, as in the paper.\n\n")
          .Append("| Model |").Append(string.Concat(sets.Select(s => $" {s} |"))).Append(" Average |\n|---|")
          .Append(string.Concat(sets.Select(_ => "---|"))).Append("---|\n");
        foreach (var d in spec.Decoding)
        {
            var row = human.Table4.FirstOrDefault(r => r.Comparison == d.Label);
            var cells = sets.Select(set => row?.Sets.FirstOrDefault(c => c.ContextSet == set)).ToList();
            md.Append(Inv, $"| {d.Label} |").Append(string.Concat(cells.Select(c => $" {Text(c?.Pref, c?.BootstrapCi)} |")))
              .Append(Inv, $" {Text(row?.Average, row?.AverageBootstrapCi)} |\n");
            var json = new JsonObject { ["row"] = d.Label, ["average"] = row?.Average, ["average_ci"] = Interval(row?.AverageBootstrapCi) };
            var bySet = new JsonObject();
            foreach (var (set, cell) in sets.Zip(cells))
            {
                bySet[set] = new JsonObject { ["pref"] = cell?.Pref, ["ci"] = Interval(cell?.BootstrapCi), ["votes"] = cell?.Votes ?? 0 };
            }

            json["sets"] = bySet;
            table4.Add(json);
        }

        results["table4"] = table4;
        var all = human.Agreement[0];
        string F3(double? v) => v is { } x ? x.ToString("F3", Inv) : "–";
        md.Append(Inv, $"\nHuman study `{human.Study}`: {human.CountedVotes} counted votes on {human.Items} items ({human.IncompleteItems} with fewer than 3 annotations, {human.ExtraVotes} extra votes excluded). ")
          .Append(Inv, $"CIs: {human.Bootstrap.Method} bootstrap, {human.Bootstrap.Resamples:N0} resamples of whole contexts within each context set. ")
          .Append(Inv, $"Agreement: Fleiss' κ {F3(all.FleissKappa)}, Krippendorff's α {F3(all.KrippendorffAlpha)}, unanimous {Text(all.Unanimity.Share, null)}%; ")
          .Append(Inv, $"first (left) text chosen in {Text(human.PositionBias.Share, null)}% of decisive votes (Wilson 95% CI {Text(human.PositionBias.WilsonCi?.Lower, null)}–{Text(human.PositionBias.WilsonCi?.Upper, null)}). ")
          .Append(Inv, $"Full study report: [{ExperimentRunner.HumanFolder}/{StudyReport.MarkdownFile}]({ExperimentRunner.HumanFolder}/{StudyReport.MarkdownFile})")
          .Append(human.ConsensusTtr.Figure is { } f ? $"; Figure 9 (left): [{ExperimentRunner.HumanFolder}/{f}]({ExperimentRunner.HumanFolder}/{f})" : "")
          .Append(".\n\n");
        results["human_study"] = JsonSerializer.SerializeToNode(human, StudyJsonContext.Default.StudyReport);
    }

    private static JsonObject? Interval(ConfidenceInterval? ci) => ci is null ? null : new JsonObject { ["lower"] = ci.Lower, ["upper"] = ci.Upper };
}
