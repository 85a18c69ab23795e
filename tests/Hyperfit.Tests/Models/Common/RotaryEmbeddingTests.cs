using Hyperfit.Models.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models.Common;

public sealed class RotaryEmbeddingTests
{
    private static float MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void Should_read_from_its_table_exactly_the_angles_it_computes_also_after_growing()
    {
        // Given a rotary embedding whose table covers only 8 positions
        using var rotary = new RotaryEmbedding(headDim: 16, theta: 10000, scaling: null, tablePositions: 8);
        using var scope = NewDisposeScope();

        // When positions 5 … 24 are read as a range and (2, 3) scattered positions are looked up (both past the table)
        var (rangeCos, rangeSin) = rotary.Range(5, 20, ScalarType.Float32, CPU);
        var (computedCos, computedSin) = rotary.CosSin(arange(5, 25, dtype: int64).unsqueeze(0), ScalarType.Float32);
        var scattered = tensor(new long[] { 0, 1, 40, 7, 3, 300 }, [2, 3]);
        var (lookupCos, lookupSin) = rotary.Lookup(scattered, maxPosition: 300, ScalarType.Float32);
        var (directCos, directSin) = rotary.CosSin(scattered, ScalarType.Float32);

        // Then shapes are (1 or B, 1, T, d) and the values are identical to the computed ones
        Assert.Equal([1L, 1, 20, 16], rangeCos.shape);
        Assert.Equal([2L, 1, 3, 16], lookupCos.shape);
        Assert.Equal(0f, MaxDiff(rangeCos, computedCos) + MaxDiff(rangeSin, computedSin));
        Assert.Equal(0f, MaxDiff(lookupCos, directCos) + MaxDiff(lookupSin, directSin));
    }

    [Fact]
    public void Should_grow_its_table_into_ordinary_tensors_even_under_inference_mode()
    {
        // Given a rotary embedding without a table whose first use comes from generation (inference mode)
        using var rotary = new RotaryEmbedding(headDim: 8, theta: 10000, scaling: null);
        using (inference_mode())
        {
            using var first = NewDisposeScope();
            rotary.Range(0, 4, ScalarType.Float32, CPU);
        }

        // When training later rotates a tensor that requires grad and backpropagates through it
        using var scope = NewDisposeScope();
        var (cos, sin) = rotary.Range(0, 4, ScalarType.Float32, CPU);
        var q = randn([1, 2, 4, 8]).requires_grad_();
        RotaryEmbedding.Apply(q, cos, sin).sum().backward();

        // Then the gradient exists (an inference-mode table could not be saved for backward)
        Assert.NotNull(q.grad);
    }
}
