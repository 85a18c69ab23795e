using System.Text.Json.Nodes;
using Hyperfit.Experiments;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.HumanStudy;

namespace Hyperfit.Tests.Experiments;

public sealed class ExperimentHumanVotesTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    /// <summary>The tiny study on the tiny spec's sets (its "news" becomes "press"), seed 42.</summary>
    private HumanVotes Study(ExperimentSpec spec) => new(
        "study-dir",
        [.. TinyStudy.Items().Select(i => i.ContextSet == "news" ? i with { ContextSet = "press" } : i)],
        [.. TinyStudy.Votes().Select(v => v.ContextSet == "news" ? v with { ContextSet = "press" } : v)],
        spec.Hash,
        _fixture.Out);

    [Fact]
    public void Should_fill_table_1_pref_columns_and_table_4_from_the_study()
    {
        // Given the tiny spec (4 decodings, sets fiction and press) and a study of two of its decodings, before any
        // step ran (so PPL and TTR are not computed)
        var spec = ExperimentSpec.Load(_fixture.WriteSpec(s => s["metrics"] = JsonNode.Parse("""["text", "model"]""")));
        var plan = ExperimentPlan.Build(spec, _fixture.Out);
        var human = Study(spec).CreateReport();

        // When
        var (results, md) = ExperimentReport.Build(spec, plan, human: human);

        // Then Table 1 has the paper's Pref columns with the study's hand-checked numbers (StudyReportTests) and
        // their bootstrap intervals; decodings without votes show "–"
        // (the tiny spec generates 8 tokens, so the TTR columns say so instead of the paper's 128/256)
        Assert.Contains("| Model | Context PPL | 128 Pref | 256 Pref | TTR, first 8 | TTR, last 8 of 8 |", md, StringComparison.Ordinal);
        Assert.Contains("| base_greedy | – | 50.0 [16.7, 83.3] | 18.2 [0.0, 40.0] | – | – |", md, StringComparison.Ordinal);
        Assert.Contains("| hyperfitted_greedy | – | 75.0 [50.0, 100.0] | 66.7 [33.3, 100.0] | – | – |", md, StringComparison.Ordinal);
        Assert.Contains("| base_top_p | – | – | – | – | – |", md, StringComparison.Ordinal);
        Assert.Contains("| Original texts | – | – | – | – | – |", md, StringComparison.Ordinal);
        var row = results.Table1!.Single(r => r.Row == "base_greedy");
        Assert.Equal(0.5, row.Pref128!.Value, 12);
        Assert.Equal(2.0 / 11, row.Pref256!.Value, 12);
        Assert.Equal(0.4, row.Pref256Ci!.Upper, 12);
        Assert.Equal(11, row.Pref256Votes);
        var topP = results.Table1!.Single(r => r.Row == "base_top_p");
        Assert.Null(topP.Pref128);
        Assert.Null(topP.Pref128Ci);

        // and Table 4 per context set in the spec's order, with the paper's average column
        Assert.Contains("| Model | fiction | press | Average |", md, StringComparison.Ordinal);
        Assert.Contains("| base_greedy | 16.7 [0.0, 33.3] | 20.0 [0.0, 50.0] | 18.3 [0.0, 41.7] |", md, StringComparison.Ordinal);
        Assert.Contains("| hyperfitted_greedy | 83.3 [66.7, 100.0] | 50.0 [0.0, 100.0] | 66.7 [33.3, 100.0] |", md, StringComparison.Ordinal);
        var table4 = results.Table4!.Single(r => r.Row == "hyperfitted_greedy");
        Assert.Equal(5.0 / 6, table4.Sets["fiction"].Pref!.Value, 12);
        Assert.Equal(2.0 / 3, table4.Average!.Value, 12);
        // and the study's summary with its full report
        Assert.Contains("Human study `study-dir`: 47 counted votes on 16 items", md, StringComparison.Ordinal);
        Assert.Contains("(human/report.md)", md, StringComparison.Ordinal);
        Assert.Equal(47, results.HumanStudy!.CountedVotes);
    }

    [Fact]
    public void Should_write_the_study_report_with_a_run_and_refuse_a_mismatched_study_before_any_step()
    {
        // Given a base-model-only spec (text metrics, one decoding) and the study's base_greedy votes
        var spec = ExperimentSpec.Load(_fixture.WriteSpec(s =>
        {
            s["hyperfit"]!.AsObject().Remove("sample_sweep");
            s["hyperfit"]!["variants"] = new JsonArray();
            s["decoding"] = JsonNode.Parse("""{ "base_greedy": { "model": "base" } }""");
            s["metrics"] = JsonNode.Parse("""["text"]""");
        }));
        var full = Study(spec);
        var baseOnly = full with
        {
            Items = [.. full.Items.Where(i => i.Comparison == TinyStudy.Base)],
            Votes = [.. full.Votes.Where(v => v.Comparison == TinyStudy.Base)],
        };

        // When a study with a decoding the spec lacks is given
        var refused = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(spec, _fixture.Out, humanVotes: full));

        // Then it fails in one line before any step ran
        Assert.Equal("study-dir: items for decoding \"hyperfitted_greedy\" that the spec does not have (the spec's: base_greedy)", refused.Message);
        Assert.False(Directory.Exists(Path.Combine(_fixture.Out, ExperimentRunner.StepsFolder)));

        // When the matching study is given
        var outcome = ExperimentRunner.Run(spec, _fixture.Out, humanVotes: baseOnly);

        // Then the report has measured TTR next to the study's Pref (no PPL: "model" metrics not asked for), and
        // OUT/human holds the study's own report
        var md = File.ReadAllText(outcome.ReportPath);
        Assert.Matches(@"\| base_greedy \| – \| 50\.0 \[16\.7, 83\.3\] \| 18\.2 \[0\.0, 40\.0\] \| [0-9.]+ \| [0-9.]+ \|", md);
        Assert.Contains("## Table 4", md, StringComparison.Ordinal);
        var human = Path.Combine(_fixture.Out, ExperimentRunner.HumanFolder);
        Assert.True(File.Exists(Path.Combine(human, StudyReport.MarkdownFile)));
        Assert.Equal(23, StudyReport.FromJson(File.ReadAllText(Path.Combine(human, StudyReport.JsonFile))).CountedVotes);
        Reporting.Png.AssertValid(Path.Combine(human, ConsensusTtr.FigureFile), 800, 500);
    }
}
