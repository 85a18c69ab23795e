using Hyperfit.Evaluation.Downstream;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tests.Cli;

namespace Hyperfit.Tests.Evaluation.Downstream;

[Collection(ConsoleTests.Name)]
public sealed class DownstreamCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_compare_two_models_on_mmlu_into_json_markdown_and_predictions()
    {
        // Given two tiny models and the MMLU sample in the official layout
        var a = DownstreamFiles.TinyModel(_dir.File("base"), seed: 1);
        var b = DownstreamFiles.TinyModel(_dir.File("hyperfitted"), seed: 2);
        var data = DownstreamFiles.WriteMmlu(_dir.File("mmlu"), "csv");
        var output = _dir.File(Path.Combine("out", "mmlu.json"));

        // When both are run with 0 and 1 shots in harness mode
        var (code, _, error) = CliRunner.Run("downstream", "mmlu", "--model", a, "--model", b, "--data", data, "--shots", "0,1", "--scoring", "harness", "--out", output);

        // Then the results, the Markdown and one prediction per model, run and question are written
        Assert.True(code == 0, error);
        var report = DownstreamReport.Read(output);
        Assert.Equal(["base", "hyperfitted"], report.Models.Select(m => m.Name));
        Assert.Equal("harness", report.Scoring);
        Assert.All(report.Models, m => Assert.Equal([0, 1], m.Mmlu!.Select(r => r.Shots)));
        Assert.NotNull(report.Models[0].Mmlu![0].ZeroShotPerplexity);
        Assert.Contains("| Model | Zero-shot prompt PPL | 0-shot | 1-shot |", File.ReadAllText(DownstreamReport.MarkdownPath(output)), StringComparison.Ordinal);
        Assert.Equal(2 * 2 * 4, File.ReadAllLines(DownstreamReport.PredictionsPath(output)).Length);
        Assert.Contains("questions/s", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_run_glue_tasks_from_the_original_tsvs()
    {
        var model = DownstreamFiles.TinyModel(_dir.File("m"));
        DownstreamFiles.WriteGlue(_dir.File("glue"), "tsv", [GlueTask.Cola, GlueTask.Mrpc]);
        var output = _dir.File("glue.json");

        var (code, _, error) = CliRunner.Run("downstream", "glue", "--model", model, "--data", _dir.File("glue"), "--tasks", "cola,mrpc", "--shots", "0,2", "--out", output);

        Assert.True(code == 0, error);
        var runs = DownstreamReport.Read(output).Models[0].Glue!;
        Assert.Equal(["cola", "cola", "mrpc", "mrpc"], runs.Select(r => r.Task));
        Assert.NotNull(runs[0].Mcc);
        Assert.Null(runs[0].F1);
        Assert.NotNull(runs[2].F1);
        Assert.Equal(1234, DownstreamReport.Read(output).Seed);
    }

    public static TheoryData<string, string[]> BadInput() => new()
    {
        { "MMLU data folder not found", ["downstream", "mmlu", "--data", "{dir}/none"] },
        { "no MMLU test files", ["downstream", "mmlu", "--data", "{dir}/empty"] },
        { "bad_test.csv:1: answer 'F' is not one of A, B, C, D", ["downstream", "mmlu", "--data", "{dir}/bad"] },
        { "--shots: 'x' is not a number of shots", ["downstream", "mmlu", "--data", "{dir}/empty", "--shots", "0,x"] },
        { "shots must be distinct numbers", ["downstream", "mmlu", "--data", "{dir}/empty", "--shots", "1,1"] },
        { "unknown GLUE task 'wnli'", ["downstream", "glue", "--data", "{dir}/empty", "--tasks", "wnli"] },
        { "max length 4096 must be between 1 and the model's max positions (512)", ["downstream", "mmlu", "--data", "{dir}/ok", "--shots", "0", "--max-length", "4096"] },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Should_fail_with_one_line_naming_the_problem(string expected, string[] args)
    {
        // Given a model, an empty folder, a file with a bad answer and a good one
        var model = DownstreamFiles.TinyModel(_dir.File("m"));
        Directory.CreateDirectory(_dir.File("empty"));
        Directory.CreateDirectory(_dir.File(Path.Combine("bad", "test")));
        File.WriteAllText(_dir.File(Path.Combine("bad", "test", "bad_test.csv")), "q,1,2,3,4,F\n");
        DownstreamFiles.WriteMmlu(_dir.File("ok"), "csv");

        // When the command runs
        var (code, _, error) = CliRunner.Run([.. args.Select(a => a.Replace("{dir}", _dir.Path, StringComparison.Ordinal)), "--model", model, "--out", _dir.File("x.json")]);

        // Then it fails with one line and writes nothing
        Assert.Equal(1, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("x.json")));
    }

    [Fact]
    public void Should_refuse_official_scoring_for_glue_at_parse_time()
    {
        var (code, _, error) = CliRunner.Run("downstream", "glue", "--model", "m", "--data", "d", "--scoring", "official", "--out", "x.json");
        Assert.Equal(2, code);
        Assert.Contains("official", error, StringComparison.Ordinal);
    }
}
