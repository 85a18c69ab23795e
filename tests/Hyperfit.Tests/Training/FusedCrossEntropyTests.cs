using Hyperfit.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Training;

public sealed class FusedCrossEntropyTests
{
    [Theory]
    [InlineData(ScalarType.Float32, 1)]
    [InlineData(ScalarType.Float32, 2)]
    [InlineData(ScalarType.BFloat16, 1)]
    [InlineData(ScalarType.BFloat16, 2)]
    public void Should_equal_autograds_loss_and_logit_gradient(ScalarType dtype, int threads)
    {
        // Given (3, 7, 101) logits with a wide range (some rows peaked) and their ids, the loss scaled by a micro-batch share
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var logits = (randn([3, 7, 101], generator: generator) * 4).to(dtype);
        var ids = randint(0, 101, [3, 7], dtype: ScalarType.Int64, generator: generator);
        const double share = 0.375;
        var reference = logits.detach().clone().requires_grad_();
        var expectedLoss = LanguageModelLoss.NextToken(reference, ids) * share;
        expectedLoss.backward();

        // When the fused kernel computes both
        var previous = get_num_threads();
        set_num_threads(threads);
        double loss;
        Tensor gradient;
        try
        {
            (loss, gradient) = FusedCrossEntropy.NextToken(logits, ids, share);
        }
        finally
        {
            set_num_threads(previous);
        }

        // Then the loss and the gradient (dtype, shape and values; the last position's row zero) equal autograd's
        Assert.Equal(expectedLoss.item<float>(), loss, 5e-6);
        Assert.Equal(dtype, gradient.dtype);
        Assert.Equal(logits.shape, gradient.shape);
        var tolerance = dtype == ScalarType.BFloat16 ? 1e-4 : 1e-7; // bf16: one rounding step of values ≤ 0.02
        var difference = (gradient.to(ScalarType.Float32) - reference.grad!.to(ScalarType.Float32)).abs().max().item<float>();
        Assert.True(difference <= tolerance, $"max |Δgrad| = {difference}");
        Assert.Equal(0f, gradient.select(1, 6).abs().sum().to(ScalarType.Float32).item<float>());
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Should_write_the_same_loss_and_gradient_over_the_logits_when_asked(ScalarType dtype)
    {
        // Given (3, 7, 101) logits and their ids
        using var scope = NewDisposeScope();
        using var generator = new Generator(12);
        var logits = (randn([3, 7, 101], generator: generator) * 4).to(dtype);
        var ids = randint(0, 101, [3, 7], dtype: ScalarType.Int64, generator: generator);
        var (expectedLoss, expectedGradient) = FusedCrossEntropy.NextToken(logits, ids, 0.5);

        // When the gradient is written over the logits themselves
        var (loss, gradient) = FusedCrossEntropy.NextToken(logits, ids, 0.5, overwriteLogits: true);

        // Then loss and gradient equal the separate buffer's bit for bit, and the logits now hold the gradient
        Assert.Equal(expectedLoss, loss);
        Assert.True(gradient.eq(expectedGradient).all().item<bool>());
        Assert.True(logits.eq(expectedGradient).all().item<bool>());
    }

    [Fact]
    public void Should_refuse_a_token_outside_the_vocabulary_naming_it()
    {
        // Given ids holding 50 for a vocabulary of 50
        using var scope = NewDisposeScope();
        var logits = zeros(1, 3, 50);
        var ids = tensor(new long[] { 1, 50, 2 }).reshape(1, 3);

        // When / Then
        var error = Assert.Throws<ArgumentException>(() => FusedCrossEntropy.NextToken(logits, ids));
        Assert.Contains("token id 50 is outside the vocabulary (0 … 49)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_give_a_non_finite_loss_for_non_finite_logits()
    {
        // Given logits holding a NaN
        using var scope = NewDisposeScope();
        var logits = zeros(1, 3, 8);
        logits[0, 0, 3] = tensor(float.NaN);
        var ids = tensor(new long[] { 1, 2, 3 }).reshape(1, 3);

        // When the loss is computed, then it is NaN (the training step skips such an update)
        Assert.True(double.IsNaN(FusedCrossEntropy.NextToken(logits, ids).Loss));
    }
}
