using Hyperfit.Checkpoints;
using Hyperfit.Images;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Training;

namespace Hyperfit.Tests.Images;

/// <summary>Images through the one trainer: the tiny ImageGPT hyperfits a few images to near-zero loss in both
/// layouts (the start-token layout feeding 1 + H·W ids to H·W positions), and its norm gains stay as loaded.</summary>
public sealed class ImageTrainingTests
{
    [Theory]
    [InlineData(ImageSequenceLayout.Raw)]
    [InlineData(ImageSequenceLayout.StartToken)]
    public void Should_overfit_a_few_images_to_near_zero_loss(ImageSequenceLayout layout)
    {
        // Given a tiny ImageGPT whose n_positions is exactly H·W, and 2 training + 2 validation images (with a start token, the first pixel stays a 1-in-2 guess: a floor of ln 2 / 64)
        using var dir = new TempDirectory();
        var processor = ImageTinyModel.Create(dir.Path);
        var (_, config) = ImageDataset.OpenModel(dir.Path, layout);
        var recipe = ImageDataset.AdaptRecipe(new HyperfitRecipe
        {
            Samples = 2, ValidationSequences = 2, BatchSize = 2, Epochs = 200, LearningRate = 3e-3, ValidateEvery = 1, CheckpointEvery = 0,
        }, processor, layout).Validate();
        var sequences = ImageDataset.Encode(ImageTinyModel.Images(4), processor, config, layout, "synthetic");
        var data = SequenceDataset.FromDocuments(sequences, recipe, "synthetic");
        var model = HfModelLoader.Load(dir.Path);
        var gains = model.named_parameters().Where(p => p.name.Contains("ln_", StringComparison.Ordinal)).ToDictionary(p => p.name, p => p.parameter.detach().clone());

        // When hyperfitted with the text trainer
        using var trainer = new HyperfitTrainer(model, data, recipe, dir.File("run"));
        trainer.Setup();
        var outcome = trainer.Train();

        // Then the training loss is near zero, validation was logged every update (an epoch), and the norm gains
        // did not move (transformers' ImageGPTLayerNorm gives them no gradient)
        Assert.Equal(recipe.SequenceLength, layout == ImageSequenceLayout.StartToken ? 65 : 64);
        Assert.True(outcome.LastTrainLoss < 0.05, $"{layout}: last loss {outcome.LastTrainLoss}");
        Assert.Equal(201, trainer.Log.Count);
        Assert.All(trainer.Log, e => Assert.NotNull(e.ValLoss));
        foreach (var (name, p) in model.named_parameters().Where(p => gains.ContainsKey(p.name)))
        {
            Assert.True(p.eq(gains[name]).all().item<bool>(), $"{name} changed");
        }

        foreach (var g in gains.Values)
        {
            g.Dispose();
        }
    }
}
