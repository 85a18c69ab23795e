using System.Text.Json;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.HumanStudy;

public sealed class StudyReportTests
{
    private static readonly StudyReport Tiny = StudyReport.Create(TinyStudy.Items(), TinyStudy.Votes());

    private static void AssertCi(double lower, double upper, ConfidenceInterval? ci)
    {
        Assert.NotNull(ci);
        Assert.Equal(lower, ci.Lower, 12);
        Assert.Equal(upper, ci.Upper, 12);
    }

    private static void AssertWilson(int k, int n, ConfidenceInterval? ci) => Assert.Equal(WilsonInterval.Compute(k, n), ci);

    [Fact]
    public void Should_count_items_and_votes_by_the_protocol()
    {
        // Given the tiny study (see TinyStudy): 16 items, 15 × 3 + 2 = 47 votes of rank ≤ 3 plus item 13's fourth
        // When / Then 48 votes, 47 counted, 1 extra; late: item 1's second vote and the extra one; item 8 incomplete
        Assert.Equal((16, 48, 47, 1, 2, 1), (Tiny.Items, Tiny.Votes, Tiny.CountedVotes, Tiny.ExtraVotes, Tiny.LateVotes, Tiny.IncompleteItems));
        Assert.Equal(new BootstrapSettings(10_000, ClusterBootstrap.DefaultSeed, 0.95, "percentile", StudyReport.BootstrapUnit), Tiny.Bootstrap);
    }

    [Fact]
    public void Should_compute_table_1_by_hand()
    {
        // Given the tiny study. By hand (favourable = M or E among the counted votes, per context):
        //   base 128:  f0 MOO 1/3, f1 EEE 3/3, n0 OOO 0/3, n1 MEO 2/3 → 6/12 = 0.5; M 2, E 4, O 6
        //   base 256:  f0 0/3, f1 OOE 1/3, n0 0/3, n1 OM 1/2 → 2/11; M 1, E 1, O 9; 3 of 4 items complete
        //   hyp. 128:  f0 3/3, f1 MEO 2/3, n0 EMM 3/3, n1 OOM 1/3 → 9/12 = 0.75; M 7, E 2, O 3
        //   hyp. 256:  f0 MMO 2/3 (its 4th vote excluded), f1 3/3, n0 0/3, n1 EEM 3/3 → 8/12; M 6, E 2, O 4
        // Bootstrap: per set two contexts, so a resample picks {x,x}, {x,y} or {y,y} per set; the lowest and highest
        // combinations have probability 1/16 > 2.5%, so the percentile interval runs from "worst context of each set
        // twice" to "best context of each set twice":
        //   base 128: [(2·1 + 2·0)/12, (2·3 + 2·2)/12] = [1/6, 5/6]     base 256: [0/12, (2·1 + 2·1)/(6 + 4)] = [0, 0.4]
        //   hyp. 128: [(2·2 + 2·1)/12, 12/12] = [0.5, 1]              hyp. 256: [(2·2 + 0)/12, 12/12] = [1/3, 1]
        // When / Then
        Assert.Equal(4, Tiny.Table1.Count);
        var c = Tiny.Table1[0];
        Assert.Equal((TinyStudy.Base, "base", (string?)null, 128, 4, 4, 12, 2, 4, 6), (c.Comparison, c.Model, c.ContextSet, c.Length, c.ItemsTotal, c.ItemsComplete, c.Votes, c.ModelPreferred, c.Equal, c.OriginalPreferred));
        Assert.Equal(0.5, c.Pref!.Value, 12);
        AssertCi(1.0 / 6, 5.0 / 6, c.BootstrapCi);
        AssertWilson(6, 12, c.WilsonCi);
        AssertCi(0.2537816, 0.7462184, new ConfidenceInterval(Math.Round(c.WilsonCi!.Lower, 7), Math.Round(c.WilsonCi.Upper, 7)));

        c = Tiny.Table1[1];
        Assert.Equal((TinyStudy.Base, 256, 4, 3, 11, 1, 1, 9), (c.Comparison, c.Length, c.ItemsTotal, c.ItemsComplete, c.Votes, c.ModelPreferred, c.Equal, c.OriginalPreferred));
        Assert.Equal(2.0 / 11, c.Pref!.Value, 12);
        AssertCi(0, 0.4, c.BootstrapCi);
        AssertWilson(2, 11, c.WilsonCi);

        c = Tiny.Table1[2];
        Assert.Equal((TinyStudy.Hyperfitted, "hyperfitted", 128, 4, 4, 12, 7, 2, 3), (c.Comparison, c.Model, c.Length, c.ItemsTotal, c.ItemsComplete, c.Votes, c.ModelPreferred, c.Equal, c.OriginalPreferred));
        Assert.Equal(0.75, c.Pref!.Value, 12);
        AssertCi(0.5, 1, c.BootstrapCi);
        AssertWilson(9, 12, c.WilsonCi);

        c = Tiny.Table1[3];
        Assert.Equal((TinyStudy.Hyperfitted, 256, 4, 4, 12, 6, 2, 4), (c.Comparison, c.Length, c.ItemsTotal, c.ItemsComplete, c.Votes, c.ModelPreferred, c.Equal, c.OriginalPreferred));
        Assert.Equal(8.0 / 12, c.Pref!.Value, 12);
        AssertCi(1.0 / 3, 1, c.BootstrapCi);
        AssertWilson(8, 12, c.WilsonCi);
    }

    [Fact]
    public void Should_compute_table_4_by_hand()
    {
        // Given the tiny study at 256. By hand, per set (two contexts: interval [worst twice, best twice]):
        //   base:  fiction 0/3, 1/3 → 1/6, [0, 1/3]; news 0/3, 1/2 → 1/5, [0, 2/4]; average (1/6 + 1/5)/2 = 11/60,
        //          its interval [(0 + 0)/2, (1/3 + 1/2)/2] = [0, 5/12]
        //   hyp.:  fiction 2/3, 3/3 → 5/6, [2/3, 1]; news 0/3, 3/3 → 1/2, [0, 1]; average 2/3, [(2/3 + 0)/2, 1] = [1/3, 1]
        // When / Then
        Assert.Equal(2, Tiny.Table4.Count);
        var row = Tiny.Table4[0];
        Assert.Equal((TinyStudy.Base, "base", 256), (row.Comparison, row.Model, row.Length));
        Assert.Equal(["fiction", "news"], row.Sets.Select(s => s.ContextSet));
        Assert.Equal((2, 2, 6, 0, 1, 5), (row.Sets[0].ItemsTotal, row.Sets[0].ItemsComplete, row.Sets[0].Votes, row.Sets[0].ModelPreferred, row.Sets[0].Equal, row.Sets[0].OriginalPreferred));
        Assert.Equal((2, 1, 5, 1, 0, 4), (row.Sets[1].ItemsTotal, row.Sets[1].ItemsComplete, row.Sets[1].Votes, row.Sets[1].ModelPreferred, row.Sets[1].Equal, row.Sets[1].OriginalPreferred));
        Assert.Equal(1.0 / 6, row.Sets[0].Pref!.Value, 12);
        AssertCi(0, 1.0 / 3, row.Sets[0].BootstrapCi);
        AssertWilson(1, 6, row.Sets[0].WilsonCi);
        Assert.Equal(0.2, row.Sets[1].Pref!.Value, 12);
        AssertCi(0, 0.5, row.Sets[1].BootstrapCi);
        AssertWilson(1, 5, row.Sets[1].WilsonCi);
        Assert.Equal(11.0 / 60, row.Average!.Value, 12);
        AssertCi(0, 5.0 / 12, row.AverageBootstrapCi);

        row = Tiny.Table4[1];
        Assert.Equal(5.0 / 6, row.Sets[0].Pref!.Value, 12);
        AssertCi(2.0 / 3, 1, row.Sets[0].BootstrapCi);
        AssertWilson(5, 6, row.Sets[0].WilsonCi);
        Assert.Equal(0.5, row.Sets[1].Pref!.Value, 12);
        AssertCi(0, 1, row.Sets[1].BootstrapCi);
        Assert.Equal(2.0 / 3, row.Average!.Value, 12);
        AssertCi(1.0 / 3, 1, row.AverageBootstrapCi);
    }

    [Fact]
    public void Should_compute_agreement_by_hand()
    {
        // Given the 15 complete items' counts (model, original, equal): 7 unanimous (P_i = 1), 6 split 2-1
        // (P_i = 1/3), 2 split 1-1-1 (P_i = 0); totals 15, 21, 9 of 45.
        //   Fleiss: P̄ = (7 + 2)/15 = 0.6, P̄e = (15² + 21² + 9²)/45² = 83/225 → κ = (135 − 83)/(225 − 83) = 26/71
        //   Krippendorff (adds item 8, OM): n = 47, n_c = 16, 22, 9; D_o sum = 6·2 + 2·3 + 2 = 20;
        //   α = 1 − 46·20/(47² − 821) = 117/347
        //   128: totals 9, 9, 6 of 24; P̄ = (3 + 3·1/3)/8 = 0.5; P̄e = 198/576 → κ = 5/21; α = 1 − 23·12/378 = 17/63
        //   256: totals 6, 12, 3 of 21; P̄ = 5/7, P̄e = 3/7 → κ = 1/2; with OM: n = 23, n_c = 7, 13, 3, D_o = 8,
        //        α = 1 − 22·8/302 = 63/151
        //   unanimous: 7 of 15; 128: 3 of 8; 256: 4 of 7
        // When / Then
        Assert.Equal([null, 128, 256], Tiny.Agreement.Select(a => a.Length));
        var all = Tiny.Agreement[0];
        Assert.Equal((16, 15, 16), (all.Items, all.CompleteItems, all.KrippendorffUnits));
        Assert.Equal(26.0 / 71, all.FleissKappa!.Value, 12);
        Assert.Equal(117.0 / 347, all.KrippendorffAlpha!.Value, 12);
        Assert.Equal(new Unanimity(7, 15, 7.0 / 15), all.Unanimity);

        var short128 = Tiny.Agreement[1];
        Assert.Equal((8, 8, 8), (short128.Items, short128.CompleteItems, short128.KrippendorffUnits));
        Assert.Equal(5.0 / 21, short128.FleissKappa!.Value, 12);
        Assert.Equal(17.0 / 63, short128.KrippendorffAlpha!.Value, 12);
        Assert.Equal(new Unanimity(3, 8, 3.0 / 8), short128.Unanimity);

        var long256 = Tiny.Agreement[2];
        Assert.Equal((8, 7, 8), (long256.Items, long256.CompleteItems, long256.KrippendorffUnits));
        Assert.Equal(0.5, long256.FleissKappa!.Value, 12);
        Assert.Equal(63.0 / 151, long256.KrippendorffAlpha!.Value, 12);
        Assert.Equal(new Unanimity(4, 7, 4.0 / 7), long256.Unanimity);
    }

    [Fact]
    public void Should_report_position_bias_and_annotators()
    {
        // Given the tiny study, whose model text is first on even vote ids. By hand over the 47 counted votes: 9 say
        // "equal"; of the 38 others 21 picked the first text. Per annotator (counted, extra, late, first/decisive):
        //   ann-a 12, 0, 0, 4/10; ann-b 11, 0, 1, 10/10; ann-c 12, 0, 0, 2/9; ann-d 12, 1, 1, 5/9
        // When / Then
        Assert.Equal(new PositionBias(21, 38, 21.0 / 38, WilsonInterval.Compute(21, 38)), Tiny.PositionBias);
        Assert.Equal(
            [("ann-a", 12, 0, 0, 4, 10), ("ann-b", 11, 0, 1, 10, 10), ("ann-c", 12, 0, 0, 2, 9), ("ann-d", 12, 1, 1, 5, 9)],
            Tiny.Annotators.Select(a => (a.Annotator, a.Votes, a.ExtraVotes, a.LateVotes, a.PositionBias.FirstChosen, a.PositionBias.Decisive)));
    }

    [Fact]
    public void Should_collect_the_ttr_of_consensus_items()
    {
        // Given the tiny study: consensus good (all M or E) on items 2, 9, 11, 14, 16 (indices 1, 8, 10, 13, 15),
        // consensus original on items 3, 5, 7, 15 (indices 2, 4, 6, 14); TTR = 0.30 + 0.03·index; fewer than 40 per
        // group, so nothing is trimmed
        // When / Then
        var t = Tiny.ConsensusTtr;
        Assert.Equal((5, 4, ConsensusTtr.FigureFile), (t.GoodItems, t.OriginalItems, t.Figure));
        int[] good = [1, 8, 10, 13, 15];
        int[] original = [2, 4, 6, 14];
        Assert.Equal(good.Select(TinyStudy.Ttr), t.Good);
        Assert.Equal(original.Select(TinyStudy.Ttr), t.OriginalPreferred);
    }

    [Fact]
    public void Should_write_json_markdown_and_figure_and_read_the_json_back()
    {
        // Given the tiny study's report
        using var dir = new TempDirectory();

        // When it is written
        Tiny.Write(dir.Path);

        // Then three files and no temp file; the JSON reads back to an equal report (lists compared by content)
        Assert.Equal(new[] { ConsensusTtr.FigureFile, StudyReport.JsonFile, StudyReport.MarkdownFile }.Order(StringComparer.Ordinal),
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Reporting.Png.AssertValid(dir.File(ConsensusTtr.FigureFile), 800, 500);
        var json = File.ReadAllText(dir.File(StudyReport.JsonFile));
        Assert.Contains("\"items_complete\": 4", json, StringComparison.Ordinal);
        Assert.Contains("\"bootstrap_ci\": {", json, StringComparison.Ordinal);
        var back = StudyReport.FromJson(json);
        Assert.Equal(json.TrimEnd(), back.ToJson());
        // and the Markdown shows the hand-computed numbers
        var md = File.ReadAllText(dir.File(StudyReport.MarkdownFile));
        Assert.Contains("| base_greedy | base | 128 | 12 | 4 / 4 | 50.0 | [16.7, 83.3] | [25.4, 74.6] | 2 / 4 / 6 |", md, StringComparison.Ordinal);
        Assert.Contains("| base_greedy | 16.7 [0.0, 33.3] (6) | 20.0 [0.0, 50.0] (5) | 18.3 [0.0, 41.7] |", md, StringComparison.Ordinal);
        Assert.Contains("| all: 16 | 15 | 0.366 | 0.337 (16) | 46.7 (7 / 15) |", md, StringComparison.Ordinal);
        Assert.Contains("chosen in 21 of 38 votes", md, StringComparison.Ordinal);
        Assert.Contains($"]({ConsensusTtr.FigureFile})", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_json_with_an_unknown_or_missing_member()
    {
        // Given the tiny report's JSON with an extra member, and with a member removed
        var json = Tiny.ToJson();
        var unknown = json.Replace("\"items\": 16,", "\"items\": 16, \"surprise\": 1,", StringComparison.Ordinal);
        var missing = json.Replace("\"late_votes\": 2,", "", StringComparison.Ordinal);

        // When / Then
        Assert.NotEqual(json, unknown);
        Assert.NotEqual(json, missing);
        Assert.Throws<JsonException>(() => StudyReport.FromJson(unknown));
        Assert.Throws<JsonException>(() => StudyReport.FromJson(missing));
    }

    [Fact]
    public void Should_pool_seeds_into_one_cluster_per_context()
    {
        // Given the tiny study generated twice (seeds 1 and 2; item and vote ids of the second offset)
        var items = TinyStudy.Items(1).Concat(TinyStudy.Items(2).Select(i => i with { Id = i.Id + 100 })).ToList();
        var votes = TinyStudy.Votes(1).Concat(TinyStudy.Votes(2).Select(v => v with { VoteId = v.VoteId + 1000, ItemId = v.ItemId + 100 })).ToList();

        // When
        var report = StudyReport.Create(items, votes);

        // Then Pref is unchanged, votes double, and the bootstrap interval is the same: the contexts (not the items)
        // are resampled, each now carrying both seeds' votes
        for (var i = 0; i < Tiny.Table1.Count; i++)
        {
            Assert.Equal(2 * Tiny.Table1[i].Votes, report.Table1[i].Votes);
            Assert.Equal(Tiny.Table1[i].Pref!.Value, report.Table1[i].Pref!.Value, 12);
            AssertCi(Tiny.Table1[i].BootstrapCi!.Lower, Tiny.Table1[i].BootstrapCi!.Upper, report.Table1[i].BootstrapCi);
        }
    }

    [Fact]
    public void Should_handle_a_study_without_votes()
    {
        // Given the items only
        // When
        var report = StudyReport.Create(TinyStudy.Items(), []);

        // Then nothing is computed (null), and it still writes
        Assert.All(report.Table1, c => Assert.Null(c.Pref));
        Assert.All(report.Table1, c => Assert.Null(c.BootstrapCi));
        Assert.All(report.Table4, r => Assert.Null(r.Average));
        Assert.Null(report.Agreement[0].FleissKappa);
        Assert.Null(report.Agreement[0].KrippendorffAlpha);
        Assert.Null(report.ConsensusTtr.Figure);
        using var dir = new TempDirectory();
        report.Write(dir.Path);
        Assert.Contains("Not drawn", File.ReadAllText(dir.File(StudyReport.MarkdownFile)), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File(ConsensusTtr.FigureFile)));
    }

    [Fact]
    public void Should_reject_votes_that_contradict_their_items()
    {
        // Given a vote of an unknown item, a vote whose length differs from its item's, and one whose preference
        // does not follow from its button and side
        var items = TinyStudy.Items();
        var good = TinyStudy.Votes();
        StudyVoteRow[] unknown = [good[0] with { ItemId = 99 }];
        StudyVoteRow[] length = [good[0] with { Length = 256 }];
        StudyVoteRow[] flipped = [good[0] with { ModelShownFirst = !good[0].ModelShownFirst }];

        // When
        var e1 = Assert.Throws<ArgumentException>(() => StudyReport.Create(items, unknown));
        var e2 = Assert.Throws<ArgumentException>(() => StudyReport.Create(items, length));
        var e3 = Assert.Throws<ArgumentException>(() => StudyReport.Create(items, flipped));

        // Then each names the vote and the field
        Assert.StartsWith("Vote 0: item_id 99 is not an item of the study", e1.Message, StringComparison.Ordinal);
        Assert.StartsWith("Vote 0: length \"256\" differs from item 1's \"128\"", e2.Message, StringComparison.Ordinal);
        Assert.StartsWith("Vote 0: preference Model does not follow from choice First with model_shown_first False", e3.Message, StringComparison.Ordinal);
    }
}
