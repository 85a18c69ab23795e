using Hyperfit.Models.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models.Common;

/// <summary>The fused RMSNorm against <see cref="RmsNorm"/>'s libtorch graph run in float64 on the same rounded
/// inputs (the float64 module never takes the fused path).</summary>
public sealed class FusedRmsNormTests
{
    [Theory]
    [InlineData(ScalarType.Float32, 1, 2e-6)]
    [InlineData(ScalarType.Float32, 2, 2e-6)]
    [InlineData(ScalarType.BFloat16, 1, 1.6e-2)] // bfloat16 outputs: a rounding or two of 2⁻⁸ relative
    [InlineData(ScalarType.BFloat16, 2, 1.6e-2)]
    public void Should_equal_the_float64_graph_forward_and_both_gradients(ScalarType dtype, int threads, double tolerance)
    {
        // Given (3, 50, 96) inputs with one all-zero row (more rows than one work item, a ragged last item),
        // non-trivial weights and an upstream gradient, in `dtype`
        using var scope = NewDisposeScope();
        using var generator = new Generator(31);
        var x = (randn([3, 50, 96], generator: generator) * 2).to(dtype);
        x[1, 7] = zeros(96, dtype);
        var w = (rand([96], generator: generator) + 0.5).to(dtype);
        var dy = randn([3, 50, 96], generator: generator).to(dtype);
        var input = x.clone().requires_grad_();
        var weight = w.clone().requires_grad_();

        // When the fused function runs forward and backward on `threads` threads
        var previous = get_num_threads();
        set_num_threads(threads);
        Tensor y;
        try
        {
            Assert.True(FusedRmsNorm.Applies(input, weight));
            y = FusedRmsNorm.Apply(input, weight, 1e-5);
            y.backward([dy]);
        }
        finally
        {
            set_num_threads(previous);
        }

        // Then output and both gradients equal the module's graph in float64
        using var norm = new RmsNorm(96, 1e-5, ScalarType.Float64);
        using (no_grad())
        {
            norm.Weight.copy_(w.to(ScalarType.Float64));
        }

        var x64 = x.to(ScalarType.Float64).requires_grad_();
        var y64 = norm.forward(x64);
        y64.backward([dy.to(ScalarType.Float64)]);
        Assert.Equal(dtype, y.dtype);
        Assert.Equal(dtype, weight.grad!.dtype);
        AssertClose(y64, y, tolerance, "output");
        AssertClose(x64.grad!, input.grad!, tolerance, "d x");
        AssertClose(norm.Weight.grad!, weight.grad!, tolerance, "d weight");
    }

    [Fact]
    public void Should_give_the_same_weight_gradient_bit_for_bit_on_any_thread_count()
    {
        // Given inputs of 200 rows
        using var scope = NewDisposeScope();
        using var generator = new Generator(32);
        var x = randn([200, 64], generator: generator);
        var dy = randn([200, 64], generator: generator);
        var gradients = new List<Tensor>();

        // When the weight's gradient is taken on 1, 2 and 3 threads
        var previous = get_num_threads();
        try
        {
            foreach (var threads in new[] { 1, 2, 3 })
            {
                set_num_threads(threads);
                var weight = ones(64).requires_grad_();
                FusedRmsNorm.Apply(x, weight, 1e-6).backward([dy]);
                gradients.Add(weight.grad!.clone());
            }
        }
        finally
        {
            set_num_threads(previous);
        }

        // Then all three are equal bit for bit (fixed blocks of rows, summed in block order)
        Assert.True(gradients[0].eq(gradients[1]).all().item<bool>());
        Assert.True(gradients[0].eq(gradients[2]).all().item<bool>());
    }

    [Fact]
    public void Should_leave_inference_and_other_dtypes_to_the_module_graph()
    {
        using var scope = NewDisposeScope();
        var x = randn([2, 8]).requires_grad_();
        var w = ones(8).requires_grad_();
        Assert.True(FusedRmsNorm.Applies(x, w));
        using (no_grad())
        {
            Assert.False(FusedRmsNorm.Applies(x, w));
        }

        Assert.False(FusedRmsNorm.Applies(x.detach(), w.detach()));
        Assert.False(FusedRmsNorm.Applies(x.to(ScalarType.Float64), w.to(ScalarType.Float64)));
        Assert.False(FusedRmsNorm.Applies(x, ones(4).requires_grad_()));
    }

    private static void AssertClose(Tensor expected, Tensor actual, double relative, string what)
    {
        var scale = expected.abs().max().item<double>();
        var error = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(error <= relative * scale, $"{what}: max |error| {error:G3} of max {scale:G3}");
    }
}
