using Hyperfit.Tests.Cli;

namespace Hyperfit.Tests.ScaleOut;

[Collection(ConsoleTests.Name)]
public sealed class ExportJobCommandTests : IClassFixture<ScaleOutFixture>
{
    private readonly ScaleOutFixture _fixture;

    public ExportJobCommandTests(ScaleOutFixture fixture) => _fixture = fixture;

    private string[] Args(string output, params string[] extra) =>
    [
        "export-job", "--model", _fixture.ModelDir, "--data", _fixture.DataPath, "--text-field", "body", "--out", output,
        "--samples", "12", "--seq-len", "32", "--batch-size", "8", "--max-updates", "3", "--val-sequences", "4", "--config", _fixture.TtrConfig, .. extra,
    ];

    [Theory]
    [InlineData("world size 3 (nodes 1 × gpus per node 3) does not divide batch_size 8", "--engine", "torchrun-ddp", "--gpus-per-node", "3")]
    [InlineData("world size 8 does not divide the last batch of each epoch (12 samples % batch_size 8 = 4 sequences)", "--engine", "accelerate-ddp", "--nodes", "2", "--gpus-per-node", "4")]
    [InlineData("engine 'deepspeed' is unknown (expected accelerate-fsdp, accelerate-ddp, torchrun-ddp, single)", "--engine", "deepspeed")]
    [InlineData("engine single runs one process; nodes × gpus per node is 2", "--engine", "single", "--gpus-per-node", "2")]
    [InlineData("precision 'fp16' is unknown (expected fp32 or bf16-mixed)", "--engine", "single", "--precision", "fp16")]
    [InlineData("--precision fp32 contradicts --dtype bfloat16", "--engine", "single", "--precision", "fp32", "--dtype", "bfloat16")]
    [InlineData("micro-batch size 3 must divide the per-device batch (8 / world size 2 = 4)", "--engine", "torchrun-ddp", "--gpus-per-node", "2", "--micro-batch-size", "3")]
    public void Should_reject_bad_options_with_one_line(string message, params string[] options)
    {
        // When export-job is given an impossible option
        var output = _fixture.NewFolder("bad");
        var (code, _, error) = CliRunner.Run(Args(output, options));

        // Then it fails with one line naming it, and writes nothing
        Assert.Equal(1, code);
        var line = Assert.Single(error.Trim().Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith($"error: {message}", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Should_reject_a_model_folder_without_weights()
    {
        // Given a model folder with config.json and tokenizer but no safetensors
        var folder = _fixture.NewFolder("no-weights");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "config.json", "tokenizer.json", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(_fixture.ModelDir, name), Path.Combine(folder, name));
        }

        // When it is exported
        var args = Args(_fixture.NewFolder("job"), "--engine", "single");
        args[Array.IndexOf(args, "--model") + 1] = folder;
        var (code, _, error) = CliRunner.Run(args);

        // Then one line says which file is missing
        Assert.Equal(1, code);
        Assert.Equal($"error: {folder}: neither model.safetensors nor model.safetensors.index.json exists", error.Trim());
    }

    [Fact]
    public void Should_export_with_the_same_options_as_train_and_report_the_layout()
    {
        // When a valid job is exported through the CLI
        var output = _fixture.NewFolder("ok");
        var (code, stdout, error) = CliRunner.Run(Args(output, "--engine", "torchrun-ddp", "--gpus-per-node", "2", "--variant", "shuffle1", "--lr", "2e-4"));

        // Then it succeeds and the recipe carries the train options
        Assert.True(code == 0, error);
        Assert.Contains("world size 2; batch 8 = 4 per process in micro-batches of 4; fp32", stdout, StringComparison.Ordinal);
        var recipe = Hyperfit.Training.HyperfitRecipe.Load(Path.Combine(output, "recipe.json"));
        Assert.Equal(Hyperfit.Training.DataVariant.Shuffle1, recipe.Variant);
        Assert.Equal(2e-4, recipe.LearningRate);
        Assert.Equal(3, recipe.MaxUpdates);

        // And a second export into the same folder is refused
        var (again, _, againError) = CliRunner.Run(Args(output, "--engine", "single"));
        Assert.Equal(1, again);
        Assert.Contains("the job folder exists and is not empty", againError, StringComparison.Ordinal);
    }
}
