using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hyperfit.Models.Cpu;

/// <summary>Single-threaded float32 kernels for one-token decode steps: a decode step is a chain of matrix–vector
/// products over weights that do not fit in cache, so its speed is how fast the weights stream from memory. These
/// read every weight exactly once per step (for up to <see cref="RowBlock"/> rows at a time) with the widest vectors
/// the processor runs natively (<see cref="SimdWidth"/>: each product exists once, generic over
/// <see cref="IFloatVector{TVector}"/>); libtorch's one-row products reached about half this machine's streaming
/// bandwidth (docs/generation.md).</summary>
/// <remarks>Every kernel is compiled fully optimised on first use (<c>AggressiveOptimization</c>): under tiered
/// compilation a first generation would otherwise run unoptimised vector code for its first hundreds of steps.
/// Element-wise pieces use <see cref="TensorPrimitives"/>. All pointers address float32 row-major data
/// owned by the caller; nothing here allocates on the managed heap.</remarks>
internal static unsafe class CpuKernels
{
    /// <summary>Input rows that share one pass over a weight matrix: a batched step of up to this many rows streams
    /// every weight once.</summary>
    public const int RowBlock = 8;

    /// <summary><c>y[r, o] = Σᵢ w[o, i] · x[r, i] (+ bias[o])</c> for <paramref name="rows"/> rows: a linear layer
    /// with a row-major (outputs × inputs) weight, as <c>nn.Linear</c> stores it, computed with
    /// <paramref name="width"/>-bit vectors.</summary>
    /// <param name="xStride">Floats between consecutive rows of x; <paramref name="yStride"/> likewise for y.</param>
    public static void MatVec(SimdWidth width, float* w, int outputs, int inputs, float* x, int xStride, float* y, int yStride, int rows,
        float* bias = null)
    {
        switch (width)
        {
            case SimdWidth.Bits512: MatVec<FloatVector512, Vector512<float>>(w, outputs, inputs, x, xStride, y, yStride, rows, bias); break;
            case SimdWidth.Bits256: MatVec<FloatVector256, Vector256<float>>(w, outputs, inputs, x, xStride, y, yStride, rows, bias); break;
            case SimdWidth.Bits128: MatVec<FloatVector128, Vector128<float>>(w, outputs, inputs, x, xStride, y, yStride, rows, bias); break;
            default: throw new ArgumentOutOfRangeException(nameof(width), width, "not a vector width");
        }
    }

    /// <summary><see cref="MatVec(SimdWidth, float*, int, int, float*, int, float*, int, int, float*)"/> with the
    /// vectors of type <typeparamref name="TVector"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatVec<TOps, TVector>(float* w, int outputs, int inputs, float* x, int xStride, float* y, int yStride, int rows,
        float* bias = null)
        where TOps : IFloatVector<TVector>
        where TVector : struct
    {
        for (var first = 0; first < rows; first += RowBlock)
        {
            var block = Math.Min(RowBlock, rows - first);
            var x0 = x + ((long)first * xStride);
            var y0 = y + ((long)first * yStride);
            switch (block)
            {
                case 1: MatVec1<TOps, TVector>(w, outputs, inputs, x0, y0); break;
                case <= 4: MatVecBlock<TOps, TVector>(w, outputs, inputs, x0, xStride, y0, yStride, block); break;
                default: MatVecBlock8<TOps, TVector>(w, outputs, inputs, x0, xStride, y0, yStride, block); break;
            }
        }

        if (bias is not null)
        {
            var b = new ReadOnlySpan<float>(bias, outputs);
            for (var r = 0; r < rows; r++)
            {
                var row = new Span<float>(y + ((long)r * yStride), outputs);
                TensorPrimitives.Add(row, b, row);
            }
        }
    }

    // One row: the weight stream is the bottleneck. Four output rows at a time keep four independent FMA chains
    // and four weight streams in flight (one chain waits on the FMA latency; one stream on the memory latency).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatVec1<TOps, TVector>(float* w, int outputs, int inputs, float* x, float* y)
        where TOps : IFloatVector<TVector>
        where TVector : struct
    {
        var vectorEnd = inputs - (inputs % TOps.Count);
        var o = 0;
        for (; o + 4 <= outputs; o += 4)
        {
            var r0 = w + ((long)o * inputs);
            var r1 = r0 + inputs;
            var r2 = r1 + inputs;
            var r3 = r2 + inputs;
            var a0 = TOps.Zero;
            var a1 = TOps.Zero;
            var a2 = TOps.Zero;
            var a3 = TOps.Zero;
            for (var i = 0; i < vectorEnd; i += TOps.Count)
            {
                var xv = TOps.Load(x + i);
                a0 = TOps.MultiplyAdd(TOps.Load(r0 + i), xv, a0);
                a1 = TOps.MultiplyAdd(TOps.Load(r1 + i), xv, a1);
                a2 = TOps.MultiplyAdd(TOps.Load(r2 + i), xv, a2);
                a3 = TOps.MultiplyAdd(TOps.Load(r3 + i), xv, a3);
            }

            float s0 = TOps.Sum(a0), s1 = TOps.Sum(a1), s2 = TOps.Sum(a2), s3 = TOps.Sum(a3);
            for (var i = vectorEnd; i < inputs; i++)
            {
                s0 += r0[i] * x[i];
                s1 += r1[i] * x[i];
                s2 += r2[i] * x[i];
                s3 += r3[i] * x[i];
            }

            y[o] = s0;
            y[o + 1] = s1;
            y[o + 2] = s2;
            y[o + 3] = s3;
        }

        for (; o < outputs; o++)
        {
            var row = w + ((long)o * inputs);
            var acc = TOps.Zero;
            for (var i = 0; i < vectorEnd; i += TOps.Count)
            {
                acc = TOps.MultiplyAdd(TOps.Load(row + i), TOps.Load(x + i), acc);
            }

            var sum = TOps.Sum(acc);
            for (var i = vectorEnd; i < inputs; i++)
            {
                sum += row[i] * x[i];
            }

            y[o] = sum;
        }
    }

    // Two to four rows: each weight vector is loaded once and multiplied into every row's accumulator.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatVecBlock<TOps, TVector>(float* w, int outputs, int inputs, float* x, int xStride, float* y, int yStride, int block)
        where TOps : IFloatVector<TVector>
        where TVector : struct
    {
        var vectorEnd = inputs - (inputs % TOps.Count);
        // Rows past the block alias the last real row; their sums are computed and dropped.
        var x1 = x + ((long)Math.Min(1, block - 1) * xStride);
        var x2 = x + ((long)Math.Min(2, block - 1) * xStride);
        var x3 = x + ((long)Math.Min(3, block - 1) * xStride);
        for (var o = 0; o < outputs; o++)
        {
            var row = w + ((long)o * inputs);
            var a0 = TOps.Zero;
            var a1 = TOps.Zero;
            var a2 = TOps.Zero;
            var a3 = TOps.Zero;
            for (var i = 0; i < vectorEnd; i += TOps.Count)
            {
                var wv = TOps.Load(row + i);
                a0 = TOps.MultiplyAdd(wv, TOps.Load(x + i), a0);
                a1 = TOps.MultiplyAdd(wv, TOps.Load(x1 + i), a1);
                a2 = TOps.MultiplyAdd(wv, TOps.Load(x2 + i), a2);
                a3 = TOps.MultiplyAdd(wv, TOps.Load(x3 + i), a3);
            }

            float s0 = TOps.Sum(a0), s1 = TOps.Sum(a1), s2 = TOps.Sum(a2), s3 = TOps.Sum(a3);
            for (var i = vectorEnd; i < inputs; i++)
            {
                s0 += row[i] * x[i];
                s1 += row[i] * x1[i];
                s2 += row[i] * x2[i];
                s3 += row[i] * x3[i];
            }

            y[o] = s0;
            y[yStride + o] = s1;
            if (block > 2)
            {
                y[(2L * yStride) + o] = s2;
            }

            if (block > 3)
            {
                y[(3L * yStride) + o] = s3;
            }
        }
    }

    // Five to eight rows: two output rows at a time against all eight input rows, 16 accumulators, so each weight
    // vector is loaded once per step and every load feeds eight FMAs (the loop is FMA-bound, not load-bound).
    // Rows past the block alias the last real row; their sums are computed and dropped.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatVecBlock8<TOps, TVector>(float* w, int outputs, int inputs, float* x, int xStride, float* y, int yStride, int block)
        where TOps : IFloatVector<TVector>
        where TVector : struct
    {
        var n = TOps.Count;
        var vectorEnd = inputs - (inputs % n);
        var xs = stackalloc float*[8];
        for (var r = 0; r < 8; r++)
        {
            xs[r] = x + ((long)Math.Min(r, block - 1) * xStride);
        }

        float* x0 = xs[0], x1 = xs[1], x2 = xs[2], x3 = xs[3], x4 = xs[4], x5 = xs[5], x6 = xs[6], x7 = xs[7];
        var sums = stackalloc float[16];
        var o = 0;
        for (; o < outputs; o += 2)
        {
            var wa = w + ((long)o * inputs);
            var wb = o + 1 < outputs ? wa + inputs : wa; // an odd last output pairs with itself
            TVector a0 = TOps.Zero, a1 = TOps.Zero, a2 = TOps.Zero, a3 = TOps.Zero, a4 = TOps.Zero, a5 = TOps.Zero, a6 = TOps.Zero, a7 = TOps.Zero;
            TVector b0 = TOps.Zero, b1 = TOps.Zero, b2 = TOps.Zero, b3 = TOps.Zero, b4 = TOps.Zero, b5 = TOps.Zero, b6 = TOps.Zero, b7 = TOps.Zero;
            for (var i = 0; i < vectorEnd; i += n)
            {
                var va = TOps.Load(wa + i);
                var vb = TOps.Load(wb + i);
                var xv = TOps.Load(x0 + i);
                a0 = TOps.MultiplyAdd(va, xv, a0);
                b0 = TOps.MultiplyAdd(vb, xv, b0);
                xv = TOps.Load(x1 + i);
                a1 = TOps.MultiplyAdd(va, xv, a1);
                b1 = TOps.MultiplyAdd(vb, xv, b1);
                xv = TOps.Load(x2 + i);
                a2 = TOps.MultiplyAdd(va, xv, a2);
                b2 = TOps.MultiplyAdd(vb, xv, b2);
                xv = TOps.Load(x3 + i);
                a3 = TOps.MultiplyAdd(va, xv, a3);
                b3 = TOps.MultiplyAdd(vb, xv, b3);
                xv = TOps.Load(x4 + i);
                a4 = TOps.MultiplyAdd(va, xv, a4);
                b4 = TOps.MultiplyAdd(vb, xv, b4);
                xv = TOps.Load(x5 + i);
                a5 = TOps.MultiplyAdd(va, xv, a5);
                b5 = TOps.MultiplyAdd(vb, xv, b5);
                xv = TOps.Load(x6 + i);
                a6 = TOps.MultiplyAdd(va, xv, a6);
                b6 = TOps.MultiplyAdd(vb, xv, b6);
                xv = TOps.Load(x7 + i);
                a7 = TOps.MultiplyAdd(va, xv, a7);
                b7 = TOps.MultiplyAdd(vb, xv, b7);
            }

            sums[0] = TOps.Sum(a0);
            sums[1] = TOps.Sum(a1);
            sums[2] = TOps.Sum(a2);
            sums[3] = TOps.Sum(a3);
            sums[4] = TOps.Sum(a4);
            sums[5] = TOps.Sum(a5);
            sums[6] = TOps.Sum(a6);
            sums[7] = TOps.Sum(a7);
            sums[8] = TOps.Sum(b0);
            sums[9] = TOps.Sum(b1);
            sums[10] = TOps.Sum(b2);
            sums[11] = TOps.Sum(b3);
            sums[12] = TOps.Sum(b4);
            sums[13] = TOps.Sum(b5);
            sums[14] = TOps.Sum(b6);
            sums[15] = TOps.Sum(b7);
            for (var i = vectorEnd; i < inputs; i++)
            {
                for (var r = 0; r < 8; r++)
                {
                    sums[r] += wa[i] * xs[r][i];
                    sums[8 + r] += wb[i] * xs[r][i];
                }
            }

            for (var r = 0; r < block; r++)
            {
                y[((long)r * yStride) + o] = sums[r];
                if (o + 1 < outputs)
                {
                    y[((long)r * yStride) + o + 1] = sums[8 + r];
                }
            }
        }
    }

    /// <summary>Llama's RMSNorm of one row: <c>y = weight · x / sqrt(mean(x²) + eps)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsNorm(float* x, float* weight, float* y, int size, float eps)
    {
        var input = new ReadOnlySpan<float>(x, size);
        var output = new Span<float>(y, size);
        var inverseRms = 1f / MathF.Sqrt((TensorPrimitives.SumOfSquares(input) / size) + eps);
        TensorPrimitives.Multiply(input, inverseRms, output);
        TensorPrimitives.Multiply(output, new ReadOnlySpan<float>(weight, size), output);
    }

    /// <summary>Rotary position embedding of one head vector in place: <c>x·cos + roll(x, d/2)·signedSin</c>
    /// (the signed sine carries rotate_half's minus sign, as in <c>RotaryEmbedding.Apply</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rotate(float* x, float* cos, float* signedSin, int headDim)
    {
        var half = headDim / 2;
        Span<float> rolled = stackalloc float[headDim];
        new ReadOnlySpan<float>(x + half, half).CopyTo(rolled);
        new ReadOnlySpan<float>(x, half).CopyTo(rolled[half..]);
        var v = new Span<float>(x, headDim);
        TensorPrimitives.Multiply(v, new ReadOnlySpan<float>(cos, headDim), v);
        TensorPrimitives.MultiplyAdd(rolled, new ReadOnlySpan<float>(signedSin, headDim), v, v);
    }

    /// <summary>One query attending over <paramref name="length"/> cached keys/values (each row of
    /// <paramref name="headDim"/> floats, consecutive): <c>softmax(K·q·scale)·V</c>, skipping keys whose
    /// <paramref name="visible"/> entry is 0 (null: all visible). <paramref name="scores"/> needs
    /// <paramref name="length"/> floats.</summary>
    public static void Attend(SimdWidth width, float* query, float* keys, float* values, int length, int headDim, float scale, long* visible,
        float* scores, float* output)
    {
        switch (width)
        {
            case SimdWidth.Bits512: Attend<FloatVector512, Vector512<float>>(query, keys, values, length, headDim, scale, visible, scores, output); break;
            case SimdWidth.Bits256: Attend<FloatVector256, Vector256<float>>(query, keys, values, length, headDim, scale, visible, scores, output); break;
            case SimdWidth.Bits128: Attend<FloatVector128, Vector128<float>>(query, keys, values, length, headDim, scale, visible, scores, output); break;
            default: throw new ArgumentOutOfRangeException(nameof(width), width, "not a vector width");
        }
    }

    /// <summary><see cref="Attend(SimdWidth, float*, float*, float*, int, int, float, long*, float*, float*)"/> with the
    /// vectors of type <typeparamref name="TVector"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Attend<TOps, TVector>(float* query, float* keys, float* values, int length, int headDim, float scale, long* visible, float* scores, float* output)
        where TOps : IFloatVector<TVector>
        where TVector : struct
    {
        MatVec1<TOps, TVector>(keys, length, headDim, query, scores);
        var s = new Span<float>(scores, length);
        var max = float.NegativeInfinity;
        for (var j = 0; j < length; j++)
        {
            if (visible is null || visible[j] != 0)
            {
                max = MathF.Max(max, s[j]);
            }
        }

        if (float.IsNegativeInfinity(max))
        {
            // Every key hidden: an additive mask of the dtype's minimum (HF, and the module path) makes the
            // weights uniform; do the same rather than divide by zero.
            s.Fill(1f / length);
        }
        else
        {
            for (var j = 0; j < length; j++)
            {
                s[j] = visible is null || visible[j] != 0 ? (s[j] - max) * scale : float.NegativeInfinity;
            }

            TensorPrimitives.Exp(s, s);
            TensorPrimitives.Divide(s, TensorPrimitives.Sum(s), s);
        }

        WeightedSum<TOps, TVector>(values, length, headDim, scores, output);
    }

    // output[c] = Σⱼ weights[j] · rows[j, c]: the probability-weighted sum of value rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedSum<TOps, TVector>(float* rows, int count, int width, float* weights, float* output)
        where TOps : IFloatVector<TVector>
        where TVector : struct
    {
        var c = 0;
        for (; c + TOps.Count <= width; c += TOps.Count)
        {
            var acc = TOps.Zero;
            for (var j = 0; j < count; j++)
            {
                acc = TOps.MultiplyAdd(TOps.Load(rows + ((long)j * width) + c), TOps.Broadcast(weights[j]), acc);
            }

            TOps.Store(acc, output + c);
        }

        for (; c < width; c++)
        {
            var sum = 0f;
            for (var j = 0; j < count; j++)
            {
                sum += rows[((long)j * width) + c] * weights[j];
            }

            output[c] = sum;
        }
    }

    /// <summary>SwiGLU's gate: <c>y = silu(gate) · up</c>, <c>silu(g) = g · sigmoid(g)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SiluMul(float* gate, float* up, float* y, int size)
    {
        var g = new ReadOnlySpan<float>(gate, size);
        var output = new Span<float>(y, size);
        TensorPrimitives.Sigmoid(g, output);
        TensorPrimitives.Multiply(output, g, output);
        TensorPrimitives.Multiply(output, new ReadOnlySpan<float>(up, size), output);
    }
}
