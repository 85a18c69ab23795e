using System.Text.Json.Nodes;
using Hyperfit.Experiments;

namespace Hyperfit.Tests.Experiments;

public sealed class ExperimentRunnerTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Should_run_the_tiny_spec_end_to_end_and_reuse_finished_steps()
    {
        // Given the tiny spec (4 variants trained 2 updates each, 8 new tokens)
        var spec = ExperimentSpec.Load(_fixture.WriteSpec());
        var lines = new List<string>();

        // When it runs
        var first = ExperimentRunner.Run(spec, _fixture.Out, log: lines.Add);

        // Then every step ran, left a done marker, and the report has the paper's tables
        Assert.Empty(first.Skipped);
        Assert.All(first.Ran, step => Assert.True(File.Exists(Path.Combine(_fixture.Out, "steps", step, ExperimentRunner.DoneFile))));
        Assert.Contains(lines, l => l.Contains("train-hyperfitted-s42: running", StringComparison.Ordinal));
        var report = File.ReadAllText(first.ReportPath);
        foreach (var heading in new[] { "## Table 1", "### Table 1 per context set", "## Table 2", "## Table 3", "## Table 5", "## §6.1", "## §6.3", "## Sample continuations", "## Figures" })
        {
            Assert.Contains(heading, report, StringComparison.Ordinal);
        }

        Assert.Contains("| hyperfitted_blocked |", report, StringComparison.Ordinal);
        // and the figures, drawn from the steps' files, are valid PNGs linked in the report
        string[] figures =
        [
            "figures/figure2-training-hyperfitted-s42.png", "figures/figure2-training-shuffle1-s42.png", "figures/figure3-overlap-histogram.png",
            "figures/figure9-ttr-vs-length.png", "figures/figure5-top1-agreement.png", "figures/figure5-ttr-vs-samples.png",
        ];
        Assert.Equal(figures, ExperimentReport.ExpectedFigures(spec).Select(f => f.File));
        AssertFigures(report, figures);
        Assert.DoesNotContain("pending", report, StringComparison.Ordinal);
        var results = JsonNode.Parse(File.ReadAllText(first.ResultsPath))!;
        var table1 = results["table1"]!.AsArray();
        Assert.Equal(["original_texts", "base_greedy", "base_top_p", "hyperfitted_greedy", "hyperfitted_blocked"], table1.Select(r => r!["row"]!.GetValue<string>()));
        Assert.All(table1.Skip(1), r => Assert.True(r!["context_ppl"]!.GetValue<double>() > 1));
        Assert.Equal(2, results["sample_sweep"]!.AsArray().Count);
        var matrix = results["top1_agreement"]!["matrix"]!.AsArray();
        Assert.Equal(1.0, matrix[0]![0]!.GetValue<double>(), 6);
        Assert.Equal(3, results["table3"]!.AsArray().Count); // base, hyperfitted, shuffle1
        // Numbers come from the steps' own files.
        var evaluated = JsonNode.Parse(File.ReadAllText(Path.Combine(_fixture.Out, "steps", "evaluate-base_greedy-press-s42", "metrics.json")))!;
        Assert.Equal(evaluated["text_metrics"]!["ttr_128"]!.GetValue<double>(), results["steps"]!["evaluate-base_greedy-press-s42"]!["text_metrics"]!["ttr_128"]!.GetValue<double>());
        // Long steps report progress from inside
        Assert.Contains(lines, l => l.Contains("update 2/2 epoch", StringComparison.Ordinal) && l.Contains("ETA", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("contexts,", StringComparison.Ordinal) && l.Contains("tok/s", StringComparison.Ordinal));
        // The paper's-direction rows repeat the tables' and the training log's numbers
        Assert.Contains("## The paper's direction: base → hyperfitted", report, StringComparison.Ordinal);
        var direction = results["direction"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.All(direction, r => Assert.Equal("hyperfitted", r["variant"]!.GetValue<string>()));
        JsonObject Row(string prefix) => direction.Single(r => r["quantity"]!.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal));
        JsonNode Table(string table, string row) => results[table]!.AsArray().Single(r => r!["row"]!.GetValue<string>() == row)!;
        // (8 new tokens: the 256 TTR column is the TTR of the last 8 of 8, and says so)
        Assert.Equal(Table("table1", "base_greedy")["ttr_256"]!.GetValue<double>(), Row("Greedy TTR, last 8 of 8")["base"]!.GetValue<double>(), 12);
        Assert.Equal(Table("table1", "hyperfitted_greedy")["ttr_256"]!.GetValue<double>(), Row("Greedy TTR, last 8 of 8")["trained"]!.GetValue<double>(), 12);
        Assert.Equal(Table("table3", "hyperfitted")["entropy"]!.GetValue<double>(), Row("Entropy")["trained"]!.GetValue<double>(), 12);
        Assert.Equal(Table("table3", "base")["top1"]!.GetValue<double>(), Row("@1")["base"]!.GetValue<double>(), 12);
        var log = Hyperfit.Reporting.TrainingLogReader.Read(Path.Combine(_fixture.Out, "steps", "train-hyperfitted-s42", "training_log.json"));
        var trained = log.Where(e => e.TrainLoss is not null).ToList();
        var training = Row("Training loss");
        Assert.Equal(trained[0].TrainLoss!.Value, training["base"]!.GetValue<double>(), 12);
        Assert.Equal(trained[^1].TrainLoss!.Value, training["trained"]!.GetValue<double>(), 12);
        Assert.Equal(trained[^1].TrainLoss < trained[0].TrainLoss, training["same_direction"]!.GetValue<bool>());
        Assert.DoesNotContain(direction, r => r["quantity"]!.GetValue<string>().StartsWith("Validation", StringComparison.Ordinal)); // validation_sequences 0

        // When it runs again unchanged
        var beforeSecond = DateTime.UtcNow.AddSeconds(-1);
        var second = ExperimentRunner.Run(spec, _fixture.Out);

        // Then every step is skipped, and the figures are drawn again (no done markers)
        Assert.Empty(second.Ran);
        Assert.Equal(first.Ran, second.Skipped);
        Assert.All(figures, f => Assert.True(File.GetLastWriteTimeUtc(Path.Combine(_fixture.Out, f)) > beforeSecond));
        AssertFigures(File.ReadAllText(second.ReportPath), figures);

        // When an evaluate step's metrics lack the stored overlap histogram
        var plan = ExperimentPlan.Build(spec, _fixture.Out);
        var stored = ExperimentFigures.Overlaps(spec, plan, "base_top_p");
        var metricsPath = Path.Combine(_fixture.Out, "steps", "evaluate-base_top_p-press-s42", "metrics.json");
        var metrics = JsonNode.Parse(File.ReadAllText(metricsPath))!;
        Assert.True(metrics["dataset_metrics"]!.AsObject().Remove("overlap_full_histogram"));
        File.WriteAllText(metricsPath, metrics.ToJsonString());

        // Then the overlaps are computed from the generations and the tokenized data, to the same values
        Assert.Equal(4, stored.Count); // 2 sets × 2 contexts
        Assert.Equal(stored.Order(), ExperimentFigures.Overlaps(spec, plan, "base_top_p").Order());
        Assert.Empty(ExperimentFigures.Write(spec, plan, _fixture.Out));

        // When one decoding configuration changes (a different spec: needs --force)
        var changed = ExperimentSpec.Load(_fixture.WriteSpec(s => s["decoding"]!["base_top_p"]!["top_p"] = 0.5));
        var refused = Assert.Throws<FieldException>(() => ExperimentRunner.Run(changed, _fixture.Out));
        var third = ExperimentRunner.Run(changed, _fixture.Out, force: true);

        // Then the folder is refused without --force, and with it only that configuration's steps rerun
        Assert.Contains("different spec", refused.Message, StringComparison.Ordinal);
        Assert.Equal(
            ["generate-base_top_p-fiction-s42", "evaluate-base_top_p-fiction-s42", "generate-base_top_p-press-s42", "evaluate-base_top_p-press-s42"],
            third.Ran);
    }

    [Fact]
    public void Should_redo_a_step_whose_input_file_changed_and_an_unfinished_step()
    {
        // Given a spec without training (base model only) that has run once
        var spec = ExperimentSpec.Load(_fixture.WriteSpec(s =>
        {
            s["hyperfit"]!.AsObject().Remove("sample_sweep");
            s["hyperfit"]!["variants"] = new JsonArray();
            s["decoding"] = JsonNode.Parse("""{ "base_greedy": { "model": "base" } }""");
            s["metrics"] = JsonNode.Parse("""["text"]""");
        }));
        ExperimentRunner.Run(spec, _fixture.Out);

        // (figures whose inputs this spec does not produce are not planned: only the TTR curve is)
        Assert.Equal(["figures/figure9-ttr-vs-length.png"], ExperimentReport.ExpectedFigures(spec).Select(f => f.File));

        // When a context file changes and another step's done marker is lost (an interrupted step)
        File.AppendAllText(Path.Combine(_fixture.Root, "data", "press.jsonl"), "\n");
        File.Delete(Path.Combine(_fixture.Out, "steps", "original-fiction", ExperimentRunner.DoneFile));
        var rerun = ExperimentRunner.Run(ExperimentSpec.Load(spec.SpecFile), _fixture.Out);

        // Then the press steps (prepare and everything downstream) and the unfinished step rerun, nothing else
        Assert.Equal(["original-fiction", "prepare-press", "original-press", "generate-base_greedy-press-s42", "evaluate-base_greedy-press-s42"], rerun.Ran);
        Assert.Contains("prepare-fiction", rerun.Skipped);
    }

    [Fact]
    public void Should_hyperfit_each_variant_on_its_own_data_and_report_every_variant()
    {
        // Given a §6.2 spec: the tiny model hyperfitted on data/hyperfit.jsonl (fiction) and on data/news.jsonl (news)
        var spec = ExperimentSpec.Load(_fixture.WriteSpec(ExperimentFixture.TwoDatasetSpec(), "types.json"));

        // When it runs
        var outcome = ExperimentRunner.Run(spec, _fixture.Out);

        // Then each dataset was tokenized once, each model trained on its own data
        string StepFile(string step, string file) => Path.Combine(_fixture.Out, "steps", step, file);
        JsonNode Json(string step, string file) => JsonNode.Parse(File.ReadAllText(StepFile(step, file)))!;
        Assert.Equal(2, outcome.Ran.Count(s => s.StartsWith("tokenize-", StringComparison.Ordinal)));
        var news = Path.Combine(_fixture.Root, "data", "news.jsonl");
        var fiction = Path.Combine(_fixture.Root, "data", "hyperfit.jsonl");
        Assert.Equal(news, Json("train-news-s42", ExperimentRunner.DoneFile)["inputs"]!["data"]!.GetValue<string>());
        Assert.Equal(fiction, Json("train-fiction-s42", ExperimentRunner.DoneFile)["inputs"]!["data"]!.GetValue<string>());

        // and each decoding's dataset metrics measure overlap with its model's data: the stored histogram equals a
        // brute-force count over the news file tokenized here (and differs from the count over the fiction file)
        var tokenizer = Hyperfit.Tokenization.HfTokenizer.Load(spec.BaseModelDir);
        List<int[]> Tokens(string file) => [.. Hyperfit.Data.DatasetReader.ReadTexts(file).Select(d => tokenizer.Encode(d, addSpecialTokens: false).ToArray())];
        List<int> Histogram(List<int[]> texts, List<int[]> data)
        {
            var longest = texts.Select(t => Hyperfit.Evaluation.DatasetOverlap.BruteForce(t, data)).ToList();
            return [.. Enumerable.Range(0, longest.Max() + 1).Select(k => longest.Count(l => l == k))];
        }

        foreach (var (decoding, own, other) in new[] { ("news_greedy", news, fiction), ("fiction_greedy", fiction, news), ("base_greedy", fiction, news) })
        {
            var texts = Hyperfit.Generation.GenerationsFile.Read(StepFile($"generate-{decoding}-press-s42", ExperimentPlan.GenerationsFile))
                .Select(r => r.ContinuationIds).ToList();
            var stored = Json($"evaluate-{decoding}-press-s42", ExperimentPlan.MetricsFile)["dataset_metrics"]!["overlap_full_histogram"]!.AsArray()
                .Select(n => n!.GetValue<int>()).ToList();
            Assert.Equal(Histogram(texts, Tokens(own)), stored);
            Assert.NotEqual(Histogram(texts, Tokens(other)), stored);
        }

        // and the report shows every variant: Table 3 rows, Table 4 (automatic) from the evaluate steps' 256 TTR, the
        // paper's direction per variant, which data each row compares with, Figure 2 per variant
        var results = JsonNode.Parse(File.ReadAllText(outcome.ResultsPath))!;
        var report = File.ReadAllText(outcome.ReportPath);
        Assert.Equal(["base", "fiction", "news"], results["table3"]!.AsArray().Select(r => r!["row"]!.GetValue<string>()));
        var table4 = results["table4_ttr"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.Equal(["original_texts", "base", "fiction", "news"], table4.Select(r => r["row"]!.GetValue<string>()));
        Assert.Equal(["base_greedy", "fiction_greedy", "news_greedy"], table4.Skip(1).Select(r => r["decoding"]!.GetValue<string>()));
        Assert.Equal(news, table4[3]["data"]!.GetValue<string>());
        foreach (var row in table4.Skip(1))
        {
            foreach (var set in new[] { "fiction", "press" })
            {
                var expected = Json($"evaluate-{row["decoding"]!.GetValue<string>()}-{set}-s42", ExperimentPlan.MetricsFile)["text_metrics"]!["ttr_256"]!.GetValue<double>();
                Assert.Equal(expected, row[set]!.GetValue<double>(), 12);
            }

            Assert.Equal((row["fiction"]!.GetValue<double>() + row["press"]!.GetValue<double>()) / 2, row["average"]!.GetValue<double>(), 12);
        }

        Assert.Contains("## Table 4 (automatic): TTR, last 8 of 8 per hyperfitting dataset and context set", report, StringComparison.Ordinal);
        Assert.Contains("| news | news_greedy | news.jsonl |", report, StringComparison.Ordinal);
        Assert.Contains("## The paper's direction: base → each hyperfitted variant", report, StringComparison.Ordinal);
        Assert.Contains("### base → news", report, StringComparison.Ordinal);
        Assert.Equal(["fiction", "news"], results["direction"]!.AsArray().Select(r => r!["variant"]!.GetValue<string>()).Distinct());
        Assert.Equal(news, results["dataset_of"]!["news_blocked"]!.GetValue<string>());
        Assert.Equal(fiction, results["dataset_of"]!["base_greedy"]!.GetValue<string>());
        Assert.Contains("news_blocked → news data (`news.jsonl`)", report, StringComparison.Ordinal);
        AssertFigures(report,
        [
            "figures/figure2-training-fiction-s42.png", "figures/figure2-training-news-s42.png", "figures/figure3-overlap-histogram.png",
            "figures/figure9-ttr-vs-length.png",
        ]);

        // When Figure 3's overlaps are recomputed from the tokenized data (no stored histogram), then they are the
        // decoding's own model's data's
        var plan = ExperimentPlan.Build(spec, _fixture.Out);
        var storedOverlaps = ExperimentFigures.Overlaps(spec, plan, "news_greedy");
        foreach (var set in new[] { "fiction", "press" })
        {
            var path = StepFile($"evaluate-news_greedy-{set}-s42", ExperimentPlan.MetricsFile);
            var metrics = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.True(metrics["dataset_metrics"]!.AsObject().Remove("overlap_full_histogram"));
            File.WriteAllText(path, metrics.ToJsonString());
        }

        Assert.Equal(storedOverlaps.Order(), ExperimentFigures.Overlaps(spec, plan, "news_greedy").Order());
    }

    private void AssertFigures(string report, IEnumerable<string> figures)
    {
        foreach (var figure in figures)
        {
            Reporting.Png.AssertValid(Path.Combine(_fixture.Out, figure), 800, 500);
            Assert.Contains($"]({figure})", report, StringComparison.Ordinal);
        }

        Assert.Equal(figures.Order(StringComparer.Ordinal), Directory.GetFiles(Path.Combine(_fixture.Out, "figures")).Select(f => "figures/" + Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }
}
