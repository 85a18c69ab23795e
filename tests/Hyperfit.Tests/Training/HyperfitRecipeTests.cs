using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class HyperfitRecipeTests
{
    [Fact]
    public void Should_default_to_the_papers_setup()
    {
        // Given the default recipe
        var recipe = HyperfitRecipe.Paper;

        // When its numbers are read
        // Then they are §3's: 2000 × 256 tokens, 20 epochs, Adam lr 1e-6 (0.9/0.999/1e-8), no weight decay, batch 8
        Assert.Equal((2000, 256, 20, 1e-6, 0.0, 8), (recipe.Samples, recipe.SequenceLength, recipe.Epochs, recipe.LearningRate, recipe.WeightDecay, recipe.BatchSize));
        Assert.Equal((0.9, 0.999, 1e-8, 0.0), (recipe.Beta1, recipe.Beta2, recipe.Epsilon, recipe.Dropout));
        Assert.Equal(250 * 20, recipe.TotalUpdates);
        recipe.Validate();
    }

    [Fact]
    public void Should_name_the_unknown_key_and_the_file()
    {
        // Given a recipe file with a misspelt key
        var json = """{"samples": 100, "learnig_rate": 1e-5}""";

        // When it is parsed
        var error = Assert.Throws<InvalidDataException>(() => HyperfitRecipe.Parse(json, "recipe.json"));

        // Then the error names the key and the file
        Assert.Contains("recipe.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("'learnig_rate'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_read_snake_case_keys_and_keep_defaults_for_the_rest()
    {
        // Given a recipe overriding a few keys
        var json = """{"samples": 16, "max_updates": 5000, "variant": "shuffle_all", "dtype": "bfloat16", "gradient_accumulation_steps": 2}""";

        // When it is parsed
        var recipe = HyperfitRecipe.Parse(json, "r.json").Validate();

        // Then those keys change and the others stay the paper's; the JSON echo round-trips
        Assert.Equal((16, 5000L, DataVariant.ShuffleAll, "bfloat16", 2), (recipe.Samples, recipe.TotalUpdates, recipe.Variant, recipe.DType, recipe.GradientAccumulationSteps));
        Assert.Equal(1e-6, recipe.LearningRate);
        Assert.Equal(recipe, HyperfitRecipe.Parse(recipe.ToJsonString(), "echo"));
    }

    [Fact]
    public void Should_name_the_field_of_an_invalid_value()
    {
        // Given a batch that accumulation steps do not divide
        var recipe = HyperfitRecipe.Paper with { GradientAccumulationSteps = 3 };

        // When it is validated
        var error = Assert.Throws<FieldException>(() => recipe.Validate());

        // Then the message names both fields
        Assert.Contains("gradient_accumulation_steps (3)", error.Message, StringComparison.Ordinal);
        Assert.Contains("batch_size (8)", error.Message, StringComparison.Ordinal);
    }
}
