using System.Text.Json.Nodes;
using Hyperfit.Evaluation;
using Hyperfit.Experiments;

namespace Hyperfit.Tests.Experiments;

/// <summary>results.json through its typed records: every cell a spec asks for is a number, the file says what made
/// it, and the report's labels say the lengths the run really measured.</summary>
public sealed class ExperimentResultsTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Should_fill_every_cell_the_spec_asks_for_with_a_number()
    {
        // Given the tiny spec asking for every metric group (text, dataset, model, reference, agreement, sweep)
        var spec = ExperimentSpec.Load(_fixture.WriteSpec());

        // When it runs and its results.json is read back through the typed reader
        var outcome = ExperimentRunner.Run(spec, _fixture.Out);
        var results = ResultsFile.Read(outcome.ResultsPath);

        // Then every table is there and every cell of it is a finite number; the only empty cell is the one the paper
        // leaves empty too (the original texts have no context perplexity)
        static void Number(double? value, string cell) => Assert.True(value is { } v && double.IsFinite(v), $"{cell} is {value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}");
        var sets = spec.ContextSets.Select(s => s.Label).ToList();
        Assert.Equal(["original_texts", .. spec.Decoding.Select(d => d.Label)], results.Table1!.Select(r => r.Row));
        foreach (var row in results.Table1!)
        {
            if (row.Row != Table1Row.OriginalTexts)
            {
                Number(row.ContextPpl, $"table1.{row.Row}.context_ppl");
            }

            Number(row.Ttr128, $"table1.{row.Row}.ttr_128");
            Number(row.Ttr256, $"table1.{row.Row}.ttr_256");
        }

        Assert.Equal(spec.Decoding.Select(d => d.Label), results.Table2!.Select(r => r.Row));
        foreach (var row in results.Table2!)
        {
            foreach (var (name, value) in new[]
                     {
                         ("self_bleu_avg", row.SelfBleuAvg), ("self_bleu_max", row.SelfBleuMax), ("dataset_bleu_avg", row.DatasetBleuAvg),
                         ("dataset_bleu_max", row.DatasetBleuMax), ("overlap_avg", row.OverlapAvg), ("overlap_max", row.OverlapMax),
                     })
            {
                Number(value, $"table2.{row.Row}.{name}");
            }
        }

        foreach (var row in results.Table5!)
        {
            Assert.Equal(sets, row.Sets.Select(s => s.Key));
            Assert.All(row.Sets, s => Number(s.Value, $"table5.{row.Row}.{s.Key}"));
            Number(row.Average, $"table5.{row.Row}.average");
        }

        Assert.Equal(["base", "hyperfitted", "shuffle1"], results.Table3!.Select(r => r.Row));
        foreach (var row in results.Table3!)
        {
            Assert.All(new[] { row.Ppl, row.Entropy, row.Top1, row.Top3, row.Top5 }, v => Number(v, $"table3.{row.Row}"));
        }

        Assert.All(results.Top1Agreement!.Matrix.SelectMany(r => r), v => Number(v, "top1_agreement"));
        Assert.Equal([2, 4], results.SampleSweep!.Select(r => r.Samples));
        Assert.All(results.SampleSweep!, r => Assert.All(new[] { r.Ttr128, r.Ttr256 }, v => Number(v, $"sample_sweep.{r.Samples}")));
        Assert.All(results.Direction!, r =>
        {
            Number(r.Base, r.Quantity);
            Number(r.Trained, r.Quantity);
            Assert.NotNull(r.SameDirection);
        });
        Assert.Null(results.Table4Ttr); // one hyperfitting dataset: no Table 4 (automatic)
        Assert.Null(results.HumanStudy);

        // and every evaluate step's metrics are in "steps", typed, equal to the step's own metrics.json
        var evaluate = ExperimentPlan.EvaluateStep("base_greedy", "press", 42);
        Assert.Equal(MetricsFile.Read(Path.Combine(_fixture.Out, "steps", evaluate, ExperimentPlan.MetricsFile)).TextMetrics.Ttr128,
            results.Steps[evaluate].TextMetrics.Ttr128);

        // and the file says what made it: the version, when, and every step's time
        Assert.Equal(HyperfitVersion.Current, results.HyperfitVersion);
        Assert.True(DateTime.TryParse(results.WrittenUtc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out _));
        Assert.Equal(ExperimentPlan.Build(spec, _fixture.Out).Steps.Select(s => s.Name), results.StepTimings!.Select(t => t.Step));
        Assert.All(results.StepTimings!, t => Assert.False(t.Reused));
        Assert.All(results.StepTimings!, t => Assert.True(t.Seconds >= 0));
        Assert.Equal(8, results.NewTokens);

        // and the report's labels say the lengths this run measured (8 new tokens), not the paper's 128/256/224
        var report = File.ReadAllText(outcome.ReportPath);
        Assert.Contains("| Model | Context PPL | TTR, first 8 | TTR, last 8 of 8 |", report, StringComparison.Ordinal);
        Assert.Contains("share of 8-token texts", report, StringComparison.Ordinal);
        Assert.Contains("Table 2: diversity and dataset overlap, first 8 generated tokens", report, StringComparison.Ordinal);
        Assert.Contains("fewer than the paper's 224", report, StringComparison.Ordinal);
        Assert.DoesNotContain("128 TTR", report, StringComparison.Ordinal);
        Assert.DoesNotContain("224-token", report, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", report, StringComparison.Ordinal);
        // and the side-by-side samples show top-p and the citation-blocked variant too (the spec sets no side_by_side)
        Assert.Contains("| Original | base_greedy | base_top_p | hyperfitted_greedy | hyperfitted_blocked |", report, StringComparison.Ordinal);

        // When it runs again: the reused steps keep their first run's timings
        var again = ResultsFile.Read(ExperimentRunner.Run(spec, _fixture.Out).ResultsPath);
        Assert.All(again.StepTimings!, t => Assert.True(t.Reused));
        Assert.Equal(results.StepTimings!.Select(t => t.Seconds), again.StepTimings!.Select(t => t.Seconds));
    }

    [Fact]
    public void Should_read_results_and_metrics_written_before_the_typed_records()
    {
        // Given a results.json and a metrics.json of the older shape (no version, date, timings, histogram)
        var results = new JsonObject
        {
            ["spec_file"] = "x.json", ["spec_hash"] = "abc", ["seeds"] = new JsonArray(42),
            ["steps"] = new JsonObject(),
            ["table5"] = JsonNode.Parse("""[{ "row": "base_greedy", "fiction": 0.5, "press": null, "average": null }]"""),
            ["direction"] = JsonNode.Parse("""[{ "quantity": "q", "paper": "up", "variant": "v", "base": 1.0, "trained": 2.0, "same_direction": true }]"""),
        };
        var path = Path.Combine(_fixture.Root, "results.json");
        File.WriteAllText(path, results.ToJsonString());

        // When it is read
        var read = ResultsFile.Read(path);

        // Then the members it lacks are null (not computed), and the per-set row keeps its sets in order
        Assert.Null(read.HyperfitVersion);
        Assert.Null(read.StepTimings);
        Assert.Null(read.Table1);
        Assert.Equal([("fiction", (double?)0.5), ("press", null)], read.Table5![0].Sets.Select(s => (s.Key, s.Value)));
        Assert.True(read.Direction![0].SameDirection);

        // When a member is unknown, then it is refused in one line naming it
        results["tables"] = 1;
        File.WriteAllText(path, results.ToJsonString());
        var error = Assert.Throws<InvalidDataException>(() => ResultsFile.Read(path));
        Assert.Equal($"{path}: unknown member 'tables'", error.Message);
    }
}
