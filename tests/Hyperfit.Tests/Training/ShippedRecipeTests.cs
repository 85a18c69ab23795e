using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

/// <summary>The recipe files in <c>recipes/</c> load and mean what recipes/README.md says.</summary>
public sealed class ShippedRecipeTests
{
    private static string RecipePath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hyperfit.slnx")))
            {
                return Path.Combine(dir.FullName, "recipes", name);
            }
        }

        throw new DirectoryNotFoundException($"no Hyperfit.slnx above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void Should_ship_the_pretraining_preset_as_the_full_brown_recipe()
    {
        // Given the full Brown pre-training recipe file
        // When it is loaded on its own (over the paper's recipe) and over the pre-training preset
        var alone = HyperfitRecipe.Load(RecipePath("brown-llama-pretrain.json")).Validate();
        var overPreset = HyperfitRecipe.Load(RecipePath("brown-llama-pretrain.json"), HyperfitRecipe.Pretraining).Validate();

        // Then both are exactly the preset: the file spells out every value that differs from the paper
        Assert.Equal(HyperfitRecipe.Pretraining, alone);
        Assert.Equal(HyperfitRecipe.Pretraining, overPreset);
    }

    [Fact]
    public void Should_ship_a_smoke_recipe_of_60_updates()
    {
        // Given the smoke recipe file
        // When it is loaded over the pre-training preset
        var recipe = HyperfitRecipe.Load(RecipePath("brown-llama-pretrain-smoke.json"), HyperfitRecipe.Pretraining).Validate();

        // Then it is the preset cut to 60 updates of 16 sequences
        Assert.Equal((60L, 16, 10, DataMode.Pack, OptimizerKind.AdamW), (recipe.TotalUpdates, recipe.BatchSize, recipe.WarmupUpdates, recipe.DataMode, recipe.Optimizer));
    }
}
