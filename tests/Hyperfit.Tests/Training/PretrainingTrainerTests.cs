using Hyperfit.Tests.Checkpoints;
using Hyperfit.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Training;

/// <summary>The trainer under the pre-training preset: packed data, AdamW, warmup + cosine, clipping, bfloat16.</summary>
public sealed class PretrainingTrainerTests
{
    private const int Eos = 2;

    /// <summary>≈ 40 packed sequences of 24 (36 training, batch 6: 6 updates per epoch), 10 updates.</summary>
    private static readonly HyperfitRecipe Recipe = HyperfitRecipe.Pretraining with
    {
        SequenceLength = 24, BatchSize = 6, GradientAccumulationSteps = 2, LearningRate = 5e-3, WarmupUpdates = 3, MaxUpdates = 10,
        ValidateEvery = 3, ValidationSequences = 4, TtrContextTokens = 8, TtrGeneratedTokens = 16, CheckpointEvery = 4,
    };

    private static SequenceDataset Data(HyperfitRecipe recipe, List<IReadOnlyList<int>>? documents = null) =>
        SequenceDataset.Pack(documents ?? TrainingFixtures.RandomDocuments(40, 10, 40), Eos, recipe);

    private static HyperfitTrainer NewTrainer(string dir, bool resume = false, HyperfitRecipe? recipe = null,
        List<IReadOnlyList<int>>? documents = null)
    {
        recipe ??= Recipe;
        var trainer = new HyperfitTrainer(TrainingFixtures.TinyLlama(), Data(recipe, documents), recipe, dir,
            new TrainerOptions(ModelIdentity: "tiny-llama-seed-1", Resume: resume));
        trainer.Setup();
        return trainer;
    }

    private static void AssertBitEqual(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.True(expected.bytes.SequenceEqual(actual.bytes), $"{what} differs");
    }

    [Fact]
    public void Should_step_adamw_with_explicit_betas_and_no_decay_on_norms()
    {
        // Given a trainer set up with the pre-training preset
        using var dir = new TempDirectory();
        using var trainer = NewTrainer(dir.Path);

        // When its optimizer is inspected
        var optimizer = Assert.IsType<AdamW>(trainer.Step!.Optimizer);
        var groups = optimizer.ParamGroups.Cast<AdamW.ParamGroup>().ToList();

        // Then both groups carry the recipe's betas (not TorchSharp's default beta2 0.99); matrices decay, norms do not;
        // the samples were resolved to every packed sequence not held out
        Assert.All(groups, g => Assert.Equal((0.9, 0.95, 1e-8), (g.Options.beta1!.Value, g.Options.beta2!.Value, g.Options.eps!.Value)));
        Assert.Equal((0.1, 0.0), (groups[0].Options.weight_decay!.Value, groups[1].Options.weight_decay!.Value));
        Assert.All(groups[0].Parameters, p => Assert.True(p.dim() >= 2));
        Assert.All(groups[1].Parameters, p => Assert.Equal(1, p.dim()));
        Assert.Equal(Data(Recipe).Training.Count, trainer.Recipe.Samples);
    }

    [Fact]
    public void Should_clip_the_master_gradients_to_the_given_norm()
    {
        // Given a training step clipping at 0.01 (far below a random model's gradient norm)
        using var model = TrainingFixtures.TinyLlama();
        using var step = new TrainingStep(model, Recipe with { ClipGradNorm = 0.01, DType = "float32" });
        var data = Data(Recipe);
        using var ids = tensor(data.Training.Take(4).SelectMany(s => s.Select(i => (long)i)).ToArray(), [4, 24]);

        // When one update runs
        step.Update(ids, 1e-3);

        // Then the gradients the optimizer stepped with have a global norm of 0.01
        var norm = Math.Sqrt(model.parameters().Sum(p => p.grad is null ? 0 : p.grad.pow(2).sum().item<float>()));
        Assert.Equal(0.01, norm, 4);
    }

    [Fact]
    public void Should_finish_a_resumed_packed_warmup_cosine_run_exactly_like_an_uninterrupted_one()
    {
        // Given an uninterrupted 10-update pre-training run, and one stopped after 5 updates (inside the decay, mid-epoch)
        using var straightDir = new TempDirectory();
        using var resumedDir = new TempDirectory();
        using var straight = NewTrainer(straightDir.Path);
        straight.Train();
        using (var first = NewTrainer(resumedDir.Path))
        {
            using var cancel = new CancellationTokenSource();
            var outcome = first.Train(p =>
            {
                if (p.Update == 5)
                {
                    cancel.Cancel();
                }
            }, cancel.Token);
            Assert.True(outcome.Cancelled);
        }

        // When a new trainer resumes it and finishes
        using var resumed = NewTrainer(resumedDir.Path, resume: true);
        Assert.Equal(5, resumed.Position.UpdateCounter);
        resumed.Train();

        // Then weights, AdamW moments and the log equal the uninterrupted run's bit for bit
        var pa = straight.Step!.Optimizer.parameters().ToList();
        var pb = resumed.Step!.Optimizer.parameters().ToList();
        for (var i = 0; i < pa.Count; i++)
        {
            AssertBitEqual(pa[i], pb[i], $"parameter {i}");
        }

        var sa = straight.Step.Optimizer.state_dict().State;
        var sb = resumed.Step.Optimizer.state_dict().State;
        for (var i = 0; i < sa.Count; i++)
        {
            var (a, b) = ((AdamW.State)sa[i], (AdamW.State)sb[i]);
            Assert.Equal((10L, a.step), (b.step, b.step));
            AssertBitEqual(a.exp_avg_sq, b.exp_avg_sq, $"exp_avg_sq {i}");
        }

        Assert.Equal(File.ReadAllText(straight.LogPath), File.ReadAllText(resumed.LogPath));
    }

    [Fact]
    public void Should_lower_the_training_loss_on_packed_text()
    {
        // Given a short pre-training run of 30 updates on packed documents that share a learnable pattern (ids 3…22)
        using var dir = new TempDirectory();
        var documents = Enumerable.Range(0, 40).Select(_ => (IReadOnlyList<int>)Enumerable.Range(3, 20).ToArray()).ToList();
        using var trainer = NewTrainer(dir.Path, recipe: Recipe with { MaxUpdates = 30, ValidateEvery = 10, CheckpointEvery = 0 }, documents: documents);

        // When it trains
        trainer.Train();

        // Then the mean training loss of the last 10 updates is well below that of the first 10, and so is the validation loss
        var losses = trainer.Log.Where(e => e.TrainLoss is not null).Select(e => e.TrainLoss!.Value).ToList();
        Assert.Equal(3, losses.Count);
        Assert.True(losses[^1] < losses[0] - 1, $"train losses {string.Join(", ", losses)}");
        Assert.True(trainer.Log[^1].ValLoss < trainer.Log[0].ValLoss - 1);
    }
}
