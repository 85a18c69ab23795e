using System.Text.Json.Nodes;
using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class PretrainCommandTests : IClassFixture<CliTrainingFixture>
{
    private readonly CliTrainingFixture _fixture;

    public PretrainCommandTests(CliTrainingFixture fixture) => _fixture = fixture;

    [Fact]
    public void Should_pretrain_with_the_preset_under_the_file_and_the_options()
    {
        // Given a recipe file that changes the validation size, and options for warmup, decay, clipping and length
        var outDir = Path.Combine(_fixture.Root, "pretrain");
        var config = Path.Combine(_fixture.Root, "pretrain.json");
        File.WriteAllText(config, """{"validation_sequences": 4, "ttr_context_tokens": 8, "ttr_generated_tokens": 8, "dtype": "float32"}""");

        // When hyperfit pretrain runs 6 updates
        var (code, _, error) = CliTrainingFixture.Run(
            "pretrain", "--model", _fixture.ModelDir, "--data", _fixture.DataPath, "--text-field", "body", "--out", outDir, "--config", config,
            "--seq-len", "32", "--batch-size", "8", "--max-updates", "6", "--val-every", "3", "--warmup-updates", "2",
            "--weight-decay", "0.05", "--clip-grad-norm", "0.5");

        // Then it succeeds, says how the documents packed, and logs the preset's values where neither file nor options
        // set them, the file's and the options' elsewhere, with every packed sequence not held out as a sample
        Assert.True(code == 0, error);
        Assert.Contains("48 of 48 documents packed into 32-token sequences", error);
        var log = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, TrainingLog.FileName)))!;
        var recipe = HyperfitRecipe.Parse(log["config"]!["recipe"]!.ToJsonString(), "log");
        Assert.Equal((DataMode.Pack, OptimizerKind.AdamW, LearningRateSchedule.WarmupCosine, 0.95, 1e-3),
            (recipe.DataMode, recipe.Optimizer, recipe.LearningRateSchedule, recipe.Beta2, recipe.LearningRate));
        Assert.Equal((4, "float32", 2, 0.05, (double?)0.5), (recipe.ValidationSequences, recipe.DType, recipe.WarmupUpdates, recipe.WeightDecay, recipe.ClipGradNorm));
        Assert.True(recipe.Samples > 0);
        Assert.Equal([0L, 3L, 6L], log["logs"]!.AsArray().Select(e => e!["update_counter"]!.GetValue<long>()));
        Assert.True(File.Exists(Path.Combine(outDir, "final", "model.safetensors")));
    }
}
