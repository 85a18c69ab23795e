using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class PretrainingRecipeTests
{
    [Fact]
    public void Should_leave_the_paper_recipe_as_it_was()
    {
        // Given the paper's recipe
        var recipe = HyperfitRecipe.Paper;

        // Then it still truncates, uses Adam without weight decay or clipping, at a constant rate, in float32
        Assert.Equal((DataMode.Truncate, OptimizerKind.Adam, 0.0, (double?)null, LearningRateSchedule.Constant, 0, "float32"),
            (recipe.DataMode, recipe.Optimizer, recipe.WeightDecay, recipe.ClipGradNorm, recipe.LearningRateSchedule, recipe.WarmupUpdates, recipe.DType));
    }

    [Fact]
    public void Should_describe_a_packed_adamw_warmup_cosine_bfloat16_run()
    {
        // Given the pre-training preset
        var recipe = HyperfitRecipe.Pretraining.Validate();

        // Then it packs all sequences, steps AdamW with explicit betas and decay, warms up, clips and computes in bfloat16
        Assert.Equal((DataMode.Pack, 0, OptimizerKind.AdamW, 1e-3, 0.9, 0.95, 0.1), (recipe.DataMode, recipe.Samples, recipe.Optimizer,
            recipe.LearningRate, recipe.Beta1, recipe.Beta2, recipe.WeightDecay));
        Assert.Equal((LearningRateSchedule.WarmupCosine, 100, 0.1, (double?)1.0, "bfloat16"),
            (recipe.LearningRateSchedule, recipe.WarmupUpdates, recipe.MinLearningRateRatio, recipe.ClipGradNorm, recipe.DType));
        Assert.Equal(400, recipe.WithSamples(12_800).TotalUpdates / recipe.Epochs);
    }

    [Fact]
    public void Should_apply_a_recipe_file_over_the_preset_it_is_loaded_onto()
    {
        // Given a file that sets only the epochs and the warmup
        const string json = """{"epochs": 2, "warmup_updates": 7, "optimizer": "adamw"}""";

        // When it is parsed over the pre-training preset
        var recipe = HyperfitRecipe.Parse(json, "r.json", HyperfitRecipe.Pretraining).Validate();

        // Then those keys change and every other value is the preset's, and the JSON echo round-trips
        Assert.Equal(HyperfitRecipe.Pretraining with { Epochs = 2, WarmupUpdates = 7 }, recipe);
        Assert.Equal(recipe, HyperfitRecipe.Parse(recipe.ToJsonString(), "echo"));
        Assert.Contains("\"optimizer\": \"adamw\"", recipe.ToJsonString());
        Assert.Contains("\"data_mode\": \"pack\"", recipe.ToJsonString());
    }

    [Fact]
    public void Should_allow_samples_zero_only_when_packing()
    {
        // Given "all samples" with truncated documents
        var recipe = HyperfitRecipe.Paper with { Samples = 0 };

        // When it is validated
        var error = Assert.Throws<FieldException>(() => recipe.Validate());

        // Then the error says 0 needs pack
        Assert.Contains("samples (0) must be at least 1 (0, meaning all, only with data_mode pack)", error.Message);
    }
}
