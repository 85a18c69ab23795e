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
    /// <summary>Input rows that share one pass over a weight matrix. Four: each weight vector loaded feeds four FMAs
    /// from registers; an eight-row block (sixteen accumulators, two outputs at a time) measured about 35 % slower at
    /// batch 16 on this machine (docs/performance.md).</summary>
    public const int RowBlock = 4;

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
                default: MatVecBlock<TOps, TVector>(w, outputs, inputs, x0, xStride, y0, yStride, block); break;
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

    // One row: one accumulator per output row; the weight stream is the bottleneck. (Four output rows at a time,
    // four weight streams and four FMA chains in flight, measured about 40 % slower here: docs/performance.md.)
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatVec1<TOps, TVector>(float* w, int outputs, int inputs, float* x, float* y)
        where TOps : IFloatVector<TVector>
        where TVector : struct
    {
        var vectorEnd = inputs - (inputs % TOps.Count);
        var o = 0;
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
