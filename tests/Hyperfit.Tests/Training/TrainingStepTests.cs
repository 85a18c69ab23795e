using Hyperfit.Models;
using Hyperfit.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Training;

public sealed class TrainingStepTests
{
    [Fact]
    public void Should_give_autograds_gradients_through_the_fused_loss_written_over_the_logits()
    {
        // Given a float32 recipe and 8 random sequences
        var recipe = TrainingFixtures.SmallRecipe();
        using var model = TrainingFixtures.TinyLlama();
        using var generator = new Generator(6);
        using var ids = randint(0, TrainingFixtures.Vocab, [recipe.BatchSize, recipe.SequenceLength], dtype: ScalarType.Int64, generator: generator);

        // When autograd takes the gradient of the unfused loss, and the training step (fused loss, its gradient
        // written over the logits) takes it at learning rate 0
        var expected = new Dictionary<string, Tensor>();
        using (NewDisposeScope())
        {
            model.zero_grad();
            var logits = model.forward(new CausalLMInput(LanguageModelLoss.ModelInputs(ids, model.Config.MaxPositions)));
            LanguageModelLoss.NextToken(logits, ids).backward();
            foreach (var (name, p) in TrainingStep.UniqueParameters(model))
            {
                expected[name] = p.grad!.detach().clone().MoveToOuterDisposeScope();
            }
        }

        using var step = new TrainingStep(model, recipe);
        step.Update(ids, 0.0);

        // Then every parameter's gradient agrees to float32 summation order
        foreach (var (name, p) in TrainingStep.UniqueParameters(model))
        {
            var scale = expected[name].abs().max().item<float>();
            var error = (p.grad! - expected[name]).abs().max().item<float>();
            Assert.True(error <= 1e-5 * scale, $"{name}: max error {error:G3} of max |g| {scale:G3}");
        }
    }

    [Fact]
    public void Should_accumulate_bfloat16_micro_batch_gradients_in_float32()
    {
        // Given a bfloat16 recipe with batch 8 in 4 micro-batches of 2 rows, and 8 random sequences
        var recipe = TrainingFixtures.SmallRecipe() with { DType = "bfloat16", GradientAccumulationSteps = 4 };
        using var model = TrainingFixtures.TinyLlama();
        using var generator = new Generator(5);
        using var ids = randint(0, TrainingFixtures.Vocab, [8, recipe.SequenceLength], dtype: ScalarType.Int64, generator: generator);

        // When each micro-batch's gradient is taken alone (learning rate 0 keeps the weights), and then the whole
        // batch's accumulated one
        var expected = new Dictionary<string, Tensor>();
        using (var single = new TrainingStep(model, recipe with { BatchSize = 2, GradientAccumulationSteps = 1 }))
        {
            for (var m = 0; m < 4; m++)
            {
                single.Update(ids.narrow(0, 2 * m, 2), 0.0);
                foreach (var (name, p) in TrainingStep.UniqueParameters(model))
                {
                    // A quarter of each (exact: a power of two), summed in float64.
                    var g = p.grad!.to(ScalarType.Float64) * 0.25;
                    expected[name] = expected.TryGetValue(name, out var sum) ? sum + g : g;
                }
            }
        }

        using var accumulating = new TrainingStep(model, recipe);
        accumulating.Update(ids, 0.0);

        // Then the master gradients are that float64 sum up to float32 rounding, far below bfloat16's (2⁻⁸ relative)
        foreach (var (name, p) in TrainingStep.UniqueParameters(model))
        {
            var actual = p.grad!.to(ScalarType.Float64);
            var scale = expected[name].abs().max().item<double>();
            var error = (actual - expected[name]).abs().max().item<double>();
            Assert.True(error <= 1e-6 * scale, $"{name}: max error {error:G3} of max |g| {scale:G3}");
        }
    }

    [Fact]
    public void Should_record_the_time_of_every_phase()
    {
        // Given a bfloat16 step with two micro-batches
        var recipe = TrainingFixtures.SmallRecipe() with { DType = "bfloat16", GradientAccumulationSteps = 2 };
        using var model = TrainingFixtures.TinyLlama();
        using var step = new TrainingStep(model, recipe);
        using var ids = randint(0, TrainingFixtures.Vocab, [8, recipe.SequenceLength], dtype: ScalarType.Int64);

        // When it updates
        step.Update(ids, 1e-3);

        // Then every phase took some time and they add up to the total
        var t = step.LastPhases;
        Assert.All(new[] { t.CopyMs, t.ForwardMs, t.LossMs, t.BackwardMs, t.GradientMs, t.OptimizerMs }, ms => Assert.True(ms > 0));
        Assert.Equal(t.CopyMs + t.ForwardMs + t.LossMs + t.BackwardMs + t.GradientMs + t.OptimizerMs, t.TotalMs, 1e-9);
    }
}
