using Hyperfit.Models.Common;
using Hyperfit.Models.Cpu;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models.Cpu;

public sealed unsafe class CpuKernelsTests
{
    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
    }

    /// <summary>The vector widths (bits) this processor runs natively: every kernel is tested at each of them, so the
    /// width the hardware picks is always among them.</summary>
    public static IEnumerable<object[]> Widths() => AcceleratedWidths().Select(bits => new object[] { bits });

    internal static IEnumerable<int> AcceleratedWidths() =>
        Enum.GetValues<SimdWidth>().Where(SimdWidths.IsAccelerated).Select(w => (int)w);

    public static IEnumerable<object[]> MatVecCases()
    {
        object[][] shapes =
        [
            [1, 64, false],
            [2, 64, true],
            [3, 37, false],
            [4, 37, true],
            [7, 80, true],   // a block of 7: rows past it alias the last real one
            [9, 5, false],   // narrower than one vector: the scalar tail only
            [13, 70, true],  // a block of 8, then one of 5
            [11, 33, false], // a block of 8, then one of 3
        ];
        return AcceleratedWidths().SelectMany(bits => shapes.Select(shape => shape.Prepend(bits).ToArray()));
    }

    [Fact]
    public void Should_pick_the_widest_vector_width_the_processor_accelerates()
    {
        // Given the widths this processor runs natively
        var accelerated = AcceleratedWidths().ToArray();

        // When the kernels choose theirs
        var chosen = SimdWidths.Hardware;

        // Then it is the widest of them (none only on a processor without vectors)
        Assert.Equal(accelerated.Length == 0 ? null : accelerated.Max(), (int?)chosen);
    }

    [Theory]
    [MemberData(nameof(MatVecCases))]
    public void Should_compute_a_linear_layer_for_every_row_like_a_double_precision_product(int bits, int rows, int inputs, bool withBias)
    {
        // Given a (19 × inputs) weight, a bias, and rows stored with padding between them (stride inputs + 3)
        const int outputs = 19;
        var w = Random(outputs * inputs, 1);
        var bias = Random(outputs, 2);
        var (xStride, yStride) = (inputs + 3, outputs + 5);
        var x = Random(rows * xStride, 3);
        var y = new float[rows * yStride];
        Array.Fill(y, float.NaN); // the padding must stay untouched

        // When the kernel runs
        fixed (float* pw = w, pb = bias, px = x, py = y)
        {
            CpuKernels.MatVec((SimdWidth)bits, pw, outputs, inputs, px, xStride, py, yStride, rows, withBias ? pb : null);
        }

        // Then every output equals the double-precision sum, and nothing past the outputs was written
        for (var r = 0; r < rows; r++)
        {
            for (var o = 0; o < outputs; o++)
            {
                var expected = (withBias ? bias[o] : 0.0) + Enumerable.Range(0, inputs).Sum(i => (double)w[(o * inputs) + i] * x[(r * xStride) + i]);
                Assert.True(Math.Abs(expected - y[(r * yStride) + o]) < 1e-5, $"row {r}, output {o}: {y[(r * yStride) + o]} vs {expected}");
            }

            Assert.True(float.IsNaN(y[(r * yStride) + outputs]));
        }
    }

    [Fact]
    public void Should_normalise_by_the_root_mean_square_and_scale()
    {
        // Given a row and a scale
        var x = Random(48, 4);
        var weight = Random(48, 5);
        var y = new float[48];

        // When RMSNorm runs with eps 1e-5
        fixed (float* px = x, pw = weight, py = y)
        {
            CpuKernels.RmsNorm(px, pw, py, 48, 1e-5f);
        }

        // Then y = w · x / sqrt(mean(x²) + eps)
        var rms = Math.Sqrt((x.Sum(v => (double)v * v) / 48) + 1e-5);
        for (var i = 0; i < 48; i++)
        {
            Assert.Equal(weight[i] * x[i] / rms, y[i], 1e-5);
        }
    }

    [Fact]
    public void Should_rotate_a_head_like_the_rotary_embedding_module()
    {
        // Given a head vector and the module's cos / signed sin at position 7
        const int headDim = 16;
        using var rotary = new RotaryEmbedding(headDim, 10000, null);
        var (cos, sin) = rotary.CosSin(tensor(new long[] { 7 }, [1, 1]), ScalarType.Float32); // (1, 1, 1, hd)
        var x = Random(headDim, 6);
        using var expected = RotaryEmbedding.Apply(tensor(x, [1, 1, 1, headDim]), cos, sin);
        var cosValues = cos.data<float>().ToArray();
        var sinValues = sin.data<float>().ToArray();

        // When the kernel rotates the same vector
        fixed (float* px = x, pc = cosValues, ps = sinValues)
        {
            CpuKernels.Rotate(px, pc, ps, headDim);
        }

        // Then the results agree
        var reference = expected.data<float>().ToArray();
        for (var i = 0; i < headDim; i++)
        {
            Assert.Equal(reference[i], x[i], 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Should_attend_with_softmax_weights_over_the_visible_keys_only(int bits)
    {
        // Given a query, 5 keys and values of width 20, and a mask hiding keys 1 and 3
        const int width = 20;
        const int length = 5;
        const float scale = 0.3f;
        var q = Random(width, 7);
        var keys = Random(length * width, 8);
        var values = Random(length * width, 9);
        long[] visible = [1, 0, 1, 0, 1];
        var scores = new float[length];
        var output = new float[width];

        // When the kernel attends
        fixed (float* pq = q, pk = keys, pv = values, ps = scores, po = output)
        fixed (long* pm = visible)
        {
            CpuKernels.Attend((SimdWidth)bits, pq, pk, pv, length, width, scale, pm, ps, po);
        }

        // Then the output is the softmax(scale · q·k)-weighted sum of the visible values, computed in double
        var logits = Enumerable.Range(0, length).Select(j => visible[j] == 0 ? double.NegativeInfinity
            : scale * Enumerable.Range(0, width).Sum(c => (double)q[c] * keys[(j * width) + c])).ToArray();
        var max = logits.Max();
        var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
        var total = weights.Sum();
        for (var c = 0; c < width; c++)
        {
            var expected = Enumerable.Range(0, length).Sum(j => weights[j] / total * values[(j * width) + c]);
            Assert.Equal(expected, output[c], 1e-5);
        }

        Assert.Equal(0, scores[1]);
        Assert.Equal(0, scores[3]);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Should_average_the_values_uniformly_when_every_key_is_hidden(int bits)
    {
        // Given 3 keys, all hidden (what an additive mask of the dtype's minimum gives: equal weights)
        const int width = 17;
        var q = Random(width, 10);
        var keys = Random(3 * width, 11);
        var values = Random(3 * width, 12);
        long[] visible = [0, 0, 0];
        var scores = new float[3];
        var output = new float[width];

        // When the kernel attends
        fixed (float* pq = q, pk = keys, pv = values, ps = scores, po = output)
        fixed (long* pm = visible)
        {
            CpuKernels.Attend((SimdWidth)bits, pq, pk, pv, 3, width, 1f, pm, ps, po);
        }

        // Then the output is the plain mean of the values, not NaN
        for (var c = 0; c < width; c++)
        {
            Assert.Equal((values[c] + values[width + c] + values[(2 * width) + c]) / 3.0, output[c], 1e-6);
        }
    }

    [Fact]
    public void Should_gate_with_silu_like_torch()
    {
        // Given gate and up vectors of odd length
        var gate = Random(41, 13).Select(v => v * 6).ToArray();
        var up = Random(41, 14);
        var y = new float[41];
        using var expected = nn.functional.silu(tensor(gate)) * tensor(up);

        // When the kernel gates
        fixed (float* pg = gate, pu = up, py = y)
        {
            CpuKernels.SiluMul(pg, pu, py, 41);
        }

        // Then y = silu(gate) · up
        var reference = expected.data<float>().ToArray();
        for (var i = 0; i < 41; i++)
        {
            Assert.Equal(reference[i], y[i], 1e-6);
        }
    }
}
