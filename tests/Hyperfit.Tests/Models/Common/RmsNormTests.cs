using Hyperfit.Models.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models.Common;

public sealed class RmsNormTests
{
    private const double Eps = 1e-5;

    [Fact]
    public void Should_match_a_brute_force_float64_forward_and_gradient_also_on_an_all_zero_row()
    {
        // Given a norm over D = 7 with non-trivial weights, inputs (2, 3, 7) whose row (1, 2) is all zeros, and an
        // upstream gradient
        const int d = 7;
        var random = new Random(5);
        var x = Enumerable.Range(0, 2 * 3 * d).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        Array.Clear(x, ((1 * 3) + 2) * d, d);
        var w = Enumerable.Range(0, d).Select(_ => (float)(0.5 + random.NextDouble())).ToArray();
        var g = Enumerable.Range(0, x.Length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        using var norm = new RmsNorm(d, Eps, ScalarType.Float32);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            norm.Weight.copy_(tensor(w));
        }

        // When the module runs forward and backward
        var input = tensor(x, [2, 3, d]).requires_grad_();
        var output = norm.forward(input);
        output.backward([tensor(g, [2, 3, d])]);

        // Then output, input gradient and weight gradient equal the float64 formulas
        // y = w·x·r, r = (mean(x²) + eps)^(−1/2); dx_j = r·g_j·w_j − r³·x_j/D·Σ_i g_i·w_i·x_i; dw_i = Σ_rows g_i·x_i·r
        var (y, dx, dw) = (new double[x.Length], new double[x.Length], new double[d]);
        for (var row = 0; row < 6; row++)
        {
            var o = row * d;
            var r = 1 / Math.Sqrt((Enumerable.Range(0, d).Sum(i => (double)x[o + i] * x[o + i]) / d) + Eps);
            var dot = Enumerable.Range(0, d).Sum(i => (double)g[o + i] * w[i] * x[o + i]);
            for (var j = 0; j < d; j++)
            {
                y[o + j] = w[j] * x[o + j] * r;
                dx[o + j] = (r * g[o + j] * w[j]) - (r * r * r * x[o + j] / d * dot);
                dw[j] += g[o + j] * x[o + j] * r;
            }
        }

        AssertClose(y, output.detach().data<float>().ToArray());
        AssertClose(dx, input.grad!.data<float>().ToArray());
        AssertClose(dw, norm.Weight.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Should_normalise_bfloat16_inputs_in_float32_and_round_once_before_the_weight()
    {
        // Given bfloat16 inputs (4, 64) and a bfloat16 norm with unit weights
        var random = new Random(9);
        var x = Enumerable.Range(0, 4 * 64).Select(_ => (float)((random.NextDouble() * 6) - 3)).ToArray();
        using var norm = new RmsNorm(64, Eps, ScalarType.BFloat16);
        using var scope = NewDisposeScope();
        var input = tensor(x, [4, 64]).to_type(ScalarType.BFloat16);
        var rounded = input.to_type(ScalarType.Float32).data<float>().ToArray();

        // When it runs
        var output = norm.forward(input);

        // Then it is bfloat16 and each value is the float64 result rounded to bfloat16 (≤ half a bf16 step: 2⁻⁸ relative)
        Assert.Equal(ScalarType.BFloat16, output.dtype);
        var actual = output.to_type(ScalarType.Float32).data<float>().ToArray();
        for (var row = 0; row < 4; row++)
        {
            var r = 1 / Math.Sqrt((Enumerable.Range(0, 64).Sum(i => (double)rounded[(row * 64) + i] * rounded[(row * 64) + i]) / 64) + Eps);
            for (var j = 0; j < 64; j++)
            {
                var expected = rounded[(row * 64) + j] * r;
                Assert.InRange(Math.Abs(actual[(row * 64) + j] - expected), 0, (Math.Abs(expected) * Math.Pow(2, -8)) + 1e-12);
            }
        }
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.False(float.IsNaN(actual[i]), $"element {i} is NaN");
            Assert.InRange(Math.Abs(actual[i] - expected[i]), 0, 1e-5 * (1 + Math.Abs(expected[i])));
        }
    }
}
