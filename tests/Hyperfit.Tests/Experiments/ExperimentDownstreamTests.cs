using System.Text.Json.Nodes;
using Hyperfit.Evaluation.Downstream;
using Hyperfit.Experiments;
using Hyperfit.Tests.Evaluation.Downstream;

namespace Hyperfit.Tests.Experiments;

/// <summary>Appendix B.4 in a spec: <c>downstream.mmlu</c> / <c>downstream.glue</c> put Tables 7 and 8 into the run's
/// report, computed by the same job as <c>hyperfit downstream</c>.</summary>
public sealed class ExperimentDownstreamTests : IDisposable
{
    private readonly ExperimentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static JsonObject DownstreamSpec(JsonObject downstream)
    {
        var spec = ExperimentFixture.TinySpec();
        var hyperfit = spec["hyperfit"]!.AsObject();
        hyperfit.Remove("sample_sweep");
        hyperfit["variants"] = new JsonArray("hyperfitted");
        spec["context_sets"]!.AsObject().Remove("press");
        spec["decoding"] = JsonNode.Parse("""{ "base_greedy": { "model": "base" }, "hyperfitted_greedy": { "model": "hyperfitted" } }""");
        spec["metrics"] = new JsonArray("text");
        spec["downstream"] = downstream;
        return spec;
    }

    [Fact]
    public void Should_put_tables_7_and_8_from_the_downstream_job_into_the_report_and_reuse_the_step()
    {
        // Given a spec with MMLU (official, 0 and 1 shots) and two GLUE tasks (harness, 0 and 1 shots) on tiny data
        DownstreamFiles.WriteMmlu(Path.Combine(_fixture.Root, "data", "mmlu"), "csv");
        DownstreamFiles.WriteGlue(Path.Combine(_fixture.Root, "data", "glue"), "jsonl", [GlueTask.Get("sst2"), GlueTask.Get("rte")]);
        var path = _fixture.WriteSpec(DownstreamSpec(JsonNode.Parse("""
            {
              "mmlu": { "data": "../data/mmlu", "shots": [0, 1] },
              "glue": { "data": "../data/glue", "tasks": ["sst2", "rte"], "shots": [0, 1] }
            }
            """)!.AsObject()), "downstream.json");
        var spec = ExperimentSpec.Load(path);

        // When it runs
        var first = ExperimentRunner.Run(spec, _fixture.Out);

        // Then one step per benchmark ran after the training step, and results.json holds both tables for base and hyperfitted
        Assert.Contains("downstream-mmlu-s42", first.Ran);
        Assert.Contains("downstream-glue-s42", first.Ran);
        Assert.True(first.Ran.ToList().IndexOf("train-hyperfitted-s42") < first.Ran.ToList().IndexOf("downstream-mmlu-s42"));
        var results = ResultsFile.Read(first.ResultsPath);
        Assert.NotNull(results.Downstream);
        Assert.Equal(["Table 7", "Table 8"], results.Downstream.Select(t => t.Table));
        var mmlu = results.Downstream[0].Report;
        var glue = results.Downstream[1].Report;
        Assert.Equal(["base", "hyperfitted"], mmlu.Models.Select(m => m.Name));
        Assert.Equal("official", mmlu.Scoring, ignoreCase: true);
        Assert.Equal("harness", glue.Scoring, ignoreCase: true);
        Assert.All(mmlu.Models, m => Assert.All(m.Mmlu!, r => Assert.InRange(r.Accuracy!.Value, 0, 1)));
        Assert.All(glue.Models, m => Assert.Equal(4, m.Glue!.Count)); // 2 tasks × 2 shot counts

        // and the numbers are those of the downstream job itself on the same model folders
        var plan = ExperimentPlan.Build(spec, _fixture.Out);
        var direct = DownstreamRun.Run(new DownstreamRequest
        {
            Benchmark = "mmlu", ModelDirs = [plan.ModelDir("base", 42), plan.ModelDir("hyperfitted", 42)],
            DataDir = Path.Combine(_fixture.Root, "data", "mmlu"), Settings = new DownstreamSettings { Shots = [0, 1] },
        });
        Assert.Equal(direct.Models.SelectMany(m => m.Mmlu!.Select(r => r.Accuracy)), mmlu.Models.SelectMany(m => m.Mmlu!.Select(r => r.Accuracy)));
        Assert.Equal(direct.Models.SelectMany(m => m.Mmlu!.Select(r => r.ZeroShotPerplexity?.MeanOverQuestions)),
            mmlu.Models.SelectMany(m => m.Mmlu!.Select(r => r.ZeroShotPerplexity?.MeanOverQuestions)));

        // and the report shows both tables, headed by the paper's table numbers
        var report = File.ReadAllText(first.ReportPath);
        Assert.Contains("## Table 7: MMLU, base vs hyperfitted (seed 42)", report, StringComparison.Ordinal);
        Assert.Contains("## Table 8: GLUE, base vs hyperfitted (seed 42)", report, StringComparison.Ordinal);
        Assert.Contains("### MMLU — official scoring", report, StringComparison.Ordinal);
        Assert.Contains("| hyperfitted |", report, StringComparison.Ordinal);

        // When it runs again, then the downstream steps are reused
        var second = ExperimentRunner.Run(spec, _fixture.Out);
        Assert.Contains("downstream-mmlu-s42", second.Skipped);
        Assert.Contains("downstream-glue-s42", second.Skipped);
    }

    [Theory]
    [InlineData("""{ "mmlu": { "data": "../data" , "colour": 1 } }""", "unknown key 'downstream.mmlu.colour'")]
    [InlineData("""{ "squad": { "data": "../data" } }""", "unknown key 'downstream.squad'")]
    [InlineData("""{ "glue": { "data": "../data", "scoring": "official" } }""", "downstream.glue: official scoring is MMLU's")]
    [InlineData("""{ "mmlu": { "data": "../data", "scoring": "best" } }""", "downstream.mmlu.scoring: unknown scoring 'best'")]
    [InlineData("""{ "mmlu": { "data": "../data", "models": ["base", "nope"] } }""", "downstream.mmlu.models: unknown model 'nope'")]
    [InlineData("""{ "mmlu": { "data": "../nowhere" } }""", "downstream.mmlu.data: folder not found")]
    [InlineData("""{ "mmlu": { "data": "../data", "shots": [0, 0] } }""", "downstream.mmlu: shots must be distinct")]
    [InlineData("""{ "glue": { "data": "../data", "split": "test" } }""", "downstream.glue.split")]
    [InlineData("""{ }""", "downstream: name mmlu and/or glue")]
    public void Should_refuse_a_bad_downstream_section_naming_its_key(string downstream, string expected)
    {
        var path = _fixture.WriteSpec(DownstreamSpec(JsonNode.Parse(downstream)!.AsObject()), "bad.json");

        var error = Assert.Throws<InvalidDataException>(() => ExperimentSpec.Load(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_broken_benchmark_files_before_any_step_runs()
    {
        // Given a spec whose MMLU folder holds no MMLU files
        Directory.CreateDirectory(Path.Combine(_fixture.Root, "data", "empty-mmlu"));
        var spec = ExperimentSpec.Load(_fixture.WriteSpec(DownstreamSpec(JsonNode.Parse("""{ "mmlu": { "data": "../data/empty-mmlu" } }""")!.AsObject()), "empty.json"));

        // When it runs, then it fails in the preflight, naming the folder, and nothing was written
        var error = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(spec, _fixture.Out));
        Assert.Contains("empty-mmlu", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_fixture.Out));
    }

    [Fact]
    public void Should_refuse_a_max_length_beyond_the_base_model_before_any_step_runs()
    {
        DownstreamFiles.WriteMmlu(Path.Combine(_fixture.Root, "data", "mmlu"), "csv");
        var spec = ExperimentSpec.Load(_fixture.WriteSpec(DownstreamSpec(JsonNode.Parse("""{ "mmlu": { "data": "../data/mmlu", "shots": [0, 1], "max_length": 1024 } }""")!.AsObject()), "long.json"));

        var error = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(spec, _fixture.Out));

        Assert.Contains("downstream.mmlu.max_length: max length 1024 must be between 1 and the model's max positions (128)", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_fixture.Out));
    }
}
