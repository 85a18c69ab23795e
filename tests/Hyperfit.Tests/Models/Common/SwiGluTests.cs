using Hyperfit.Models.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models.Common;

/// <summary>The fused SwiGLU activation against its definition computed in float64 by autograd.</summary>
public sealed class SwiGluTests
{
    [Theory]
    [InlineData(ScalarType.Float32, 1, 1e-6)]
    [InlineData(ScalarType.Float32, 2, 1e-6)]
    [InlineData(ScalarType.BFloat16, 1, 8e-3)] // one bfloat16 rounding (2⁻⁸ relative) of values up to ~3
    [InlineData(ScalarType.BFloat16, 2, 8e-3)]
    public void Should_give_silu_gate_times_up_and_both_gradients(ScalarType dtype, int threads, double tolerance)
    {
        // Given (3, 5, 4099) gate and up tensors (more than one chunk, a ragged last one), wide-ranged gates, and an
        // upstream gradient
        using var scope = NewDisposeScope();
        using var generator = new Generator(21);
        var gate = (randn([3, 5, 4099], generator: generator) * 3).to(dtype).requires_grad_();
        var up = randn([3, 5, 4099], generator: generator).to(dtype).requires_grad_();
        var dy = randn([3, 5, 4099], generator: generator).to(dtype);

        // When the fused function runs forward and backward on `threads` threads
        var previous = get_num_threads();
        set_num_threads(threads);
        Tensor y;
        try
        {
            Assert.True(SwiGlu.Applies(gate, up));
            y = SwiGlu.Apply(gate, up);
            y.backward([dy]);
        }
        finally
        {
            set_num_threads(previous);
        }

        // Then output and gradients equal silu(g)·u and its derivatives in float64 (from the same rounded inputs)
        var g64 = gate.detach().to(ScalarType.Float64).requires_grad_();
        var u64 = up.detach().to(ScalarType.Float64).requires_grad_();
        var y64 = nn.functional.silu(g64) * u64;
        y64.backward([dy.to(ScalarType.Float64)]);
        Assert.Equal(dtype, y.dtype);
        AssertClose(y64, y, tolerance, "output");
        AssertClose(g64.grad!, gate.grad!, tolerance, "d gate");
        AssertClose(u64.grad!, up.grad!, tolerance, "d up");
    }

    [Fact]
    public void Should_leave_inference_and_other_dtypes_to_libtorch()
    {
        // Given gate and up tensors
        using var scope = NewDisposeScope();
        var gate = randn([2, 8]).requires_grad_();
        var up = randn([2, 8]).requires_grad_();

        // Then the fused function is used only while gradients are recorded, for float32/bfloat16 of one shape
        Assert.True(SwiGlu.Applies(gate, up));
        using (no_grad())
        {
            Assert.False(SwiGlu.Applies(gate, up));
        }

        Assert.False(SwiGlu.Applies(gate.detach(), up.detach()));
        Assert.False(SwiGlu.Applies(gate.to(ScalarType.Float64), up.to(ScalarType.Float64)));
        Assert.False(SwiGlu.Applies(gate, randn([2, 4]).requires_grad_()));
    }

    private static void AssertClose(Tensor expected, Tensor actual, double relative, string what)
    {
        var scale = expected.abs().max().item<double>();
        var error = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(error <= relative * scale, $"{what}: max |error| {error:G3} of max {scale:G3}");
    }
}
