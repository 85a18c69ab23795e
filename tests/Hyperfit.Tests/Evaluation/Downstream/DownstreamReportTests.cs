using Hyperfit.Evaluation.Downstream;

namespace Hyperfit.Tests.Evaluation.Downstream;

public sealed class DownstreamReportTests
{
    private static DownstreamReport Sample() => new(
        "glue", "generate", DownstreamRun.GenerateReference, "data/glue", "hf-parquet", "validation", [0, 4], ["rte"], null, 1234, 5, null,
        [new DownstreamModelResult("models/base", "base", null,
            [new GlueRunResult("rte", 4, 10, 9, 1, 2, 3.5, [20, 16], 0.5, null, null, null, 3, 1.5, 6.0)], 2.0)]);

    [Fact]
    public void Should_round_trip_through_snake_case_json_with_nulls_kept()
    {
        // Given a report with values that were not computed
        var report = Sample();

        // When it is written and read back
        var json = report.ToJson();
        var back = DownstreamReport.FromJson(json, "x.json");

        // Then names are snake_case, "not computed" is null, and nothing changed
        Assert.Contains("\"skipped_too_long\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\"accuracy_norm\": null", json, StringComparison.Ordinal);
        Assert.Contains("\"max_length\": null", json, StringComparison.Ordinal);
        Assert.Equal(report.ToJson(), back.ToJson());
        Assert.Equal(0.5, back.Models[0].Glue![0].Accuracy);
    }

    [Fact]
    public void Should_reject_unknown_and_missing_members()
    {
        var json = Sample().ToJson();
        var unknown = Assert.Throws<InvalidDataException>(() => DownstreamReport.FromJson(json.Replace("\"split\"", "\"splitt\"", StringComparison.Ordinal), "x.json"));
        Assert.StartsWith("x.json: not a downstream report", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => DownstreamReport.FromJson(json.Replace("\"benchmark\": \"glue\",", "", StringComparison.Ordinal), "x.json"));
        Assert.Throws<InvalidDataException>(() => DownstreamReport.FromJson(json.Replace("\"benchmark\": \"glue\"", "\"benchmark\": null", StringComparison.Ordinal), "x.json"));
    }

    [Fact]
    public void Should_render_table_8_with_a_column_per_model_and_shot_count()
    {
        var markdown = DownstreamMarkdown.Render(Sample());
        Assert.Contains("| Task | Metric | base 0S | base 4S |", markdown, StringComparison.Ordinal);
        Assert.Contains("| rte | acc | – | 50.0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| base | rte | 4 | 10 | 9 | 1 | 2 | 3.50 | 20/16 | 6.00 | 1.5 | 3 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_label_models_by_folder_with_trainer_outputs_named_by_their_run()
    {
        Assert.Equal(["brown-llama-23m", "hyperfit-quick/final", "base #3", "base #4"],
            DownstreamRun.ModelNames(["models/brown-llama-23m", "/tmp/hyperfit-quick/final/", "a/base", "b/base"]));
    }
}
