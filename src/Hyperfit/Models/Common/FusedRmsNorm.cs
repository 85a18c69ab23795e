using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Hyperfit.Models.Cpu;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models.Common;

/// <summary><see cref="RmsNorm"/>'s forward and backward as one autograd function on the CPU, row by row: forward
/// reads x once and saves only x and each row's inverse RMS; backward reads x, the gradient and the inverse RMS once
/// and writes the input gradient, with the weight's gradient summed per block of rows. libtorch's graph takes about
/// ten passes over (…, D) tensors for the same (norm, scale, two products, their backward functions).</summary>
/// <remarks>
/// With <c>r = 1/sqrt(mean(x²) + eps)</c> and <c>n = x·r</c>: <c>y = w·n</c>, <c>dw = Σ_rows dy·n</c>,
/// <c>dx = r·(dn − x·r²·mean(dn·x))</c> where <c>dn = dy·w</c>. Arithmetic in float32 for float32 and bfloat16
/// alike. For bfloat16, n is rounded to bfloat16 before the weight multiplies it (as the module computes it, and
/// as autograd saves it for the weight's gradient); outputs are rounded once, to nearest even. The weight's gradient
/// sums fixed blocks of rows in block order, so it is the same bit for bit on any number of threads (tested).
/// Used while training on the CPU (<see cref="Applies"/>); inference keeps <see cref="RmsNorm"/>'s libtorch ops.
/// </remarks>
internal sealed unsafe class FusedRmsNorm : autograd.SingleTensorFunction<FusedRmsNorm>
{
    // Rows per work item (and per partial sum of the weight's gradient).
    private const int RowsPerItem = 32;

    public override string Name => nameof(FusedRmsNorm);

    /// <summary>True when <see cref="Apply"/> takes these tensors: contiguous-able float32 or bfloat16 CPU input and
    /// a weight of its dtype and last size, while gradients are recorded for either.</summary>
    public static bool Applies(Tensor x, Tensor weight) =>
        is_grad_enabled() && (x.requires_grad || weight.requires_grad)
        && x.device_type == DeviceType.CPU && weight.device_type == DeviceType.CPU
        && x.dtype == weight.dtype && x.dtype is ScalarType.Float32 or ScalarType.BFloat16
        && weight.dim() == 1 && x.dim() >= 1 && x.shape[^1] == weight.shape[0];

    /// <summary><c>weight · x / sqrt(mean(x²) + eps)</c> over the last dimension, with the fused backward.</summary>
    public static Tensor Apply(Tensor x, Tensor weight, double eps) => apply(x, weight, eps);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = ((Tensor)vars[0]).contiguous();
        var weight = ((Tensor)vars[1]).contiguous();
        var eps = (float)(double)vars[2];
        var size = (int)weight.shape[0];
        var rows = x.numel() / size;
        var output = empty_like(x);
        var inverseRms = empty([rows], ScalarType.Float32);
        var bf16 = x.dtype == ScalarType.BFloat16;
        var (xs, ws, ys) = (Address(x), Address(weight), Address(output));
        var rs = (nint)TensorMemory.Float32(inverseRms);
        IntraOpParallel.For(Items(rows), item =>
        {
            var buffer = stackalloc float[3 * size];
            var row = new Span<float>(buffer, size);
            var w = ReadRow(ws, bf16, 0, new Span<float>(buffer + size, size));
            var n = new Span<float>(buffer + (2 * size), size);
            foreach (var r in RowsOf(item, rows))
            {
                var xr = ReadRow(xs, bf16, r * size, row);
                var inv = 1f / MathF.Sqrt((TensorPrimitives.Dot(xr, xr) / size) + eps);
                ((float*)rs)[r] = inv;
                TensorPrimitives.Multiply(xr, inv, n);
                RoundLikeDtype(n, bf16);
                TensorPrimitives.Multiply(n, w, n);
                WriteRow(ys, bf16, r * size, n);
            }
        });
        ctx.save_for_backward([x, weight, inverseRms]);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (x, weight, inverseRms) = (saved[0], saved[1], saved[2]);
        var size = (int)weight.shape[0];
        var rows = x.numel() / size;
        var bf16 = x.dtype == ScalarType.BFloat16;
        var dy = gradOutput.to_type(x.dtype).contiguous();
        var dx = empty_like(x);
        var items = Items(rows);
        var partial = new float[items * (long)size]; // each item's Σ dy·n, summed in item order below
        var (xs, ws, dys, dxs) = (Address(x), Address(weight), Address(dy), Address(dx));
        var rs = (nint)TensorMemory.Float32(inverseRms);
        IntraOpParallel.For(items, item =>
        {
            var buffer = stackalloc float[5 * size];
            var w = ReadRow(ws, bf16, 0, new Span<float>(buffer, size));
            var xRow = new Span<float>(buffer + size, size);
            var dyRow = new Span<float>(buffer + (2 * size), size);
            var n = new Span<float>(buffer + (3 * size), size);
            var dn = new Span<float>(buffer + (4 * size), size);
            var dw = new Span<float>(partial, item * size, size);
            foreach (var r in RowsOf(item, rows))
            {
                var xr = ReadRow(xs, bf16, r * size, xRow);
                var g = ReadRow(dys, bf16, r * size, dyRow);
                var inv = ((float*)rs)[r];
                TensorPrimitives.Multiply(xr, inv, n);
                RoundLikeDtype(n, bf16);
                TensorPrimitives.MultiplyAdd(g, n, dw, dw);             // Σ dy·n
                TensorPrimitives.Multiply(g, w, dn);                   // dn = dy·w
                var mean = TensorPrimitives.Dot(dn, xr) / size;         // mean(dn·x)
                TensorPrimitives.MultiplyAdd(xr, -inv * inv * mean, dn, dn); // dn − x·r²·mean(dn·x)
                TensorPrimitives.Multiply(dn, inv, dn);
                WriteRow(dxs, bf16, r * size, dn);
            }
        });
        var dwSum = new float[size];
        for (var i = 0; i < items; i++)
        {
            TensorPrimitives.Add(dwSum, new ReadOnlySpan<float>(partial, i * size, size), dwSum);
        }

        var dWeight = tensor(dwSum).to_type(weight.dtype);
        return [dx, dWeight, null!];
    }

    private static int Items(long rows) => (int)((rows + RowsPerItem - 1) / RowsPerItem);

    private static IEnumerable<long> RowsOf(int item, long rows)
    {
        for (var r = (long)item * RowsPerItem; r < Math.Min(rows, (item + 1L) * RowsPerItem); r++)
        {
            yield return r;
        }
    }

    private static nint Address(Tensor t) =>
        t.dtype == ScalarType.Float32 ? (nint)TensorMemory.Float32(t) : (nint)TensorMemory.BFloat16(t);

    // Elements [offset, offset + destination.Length) as float32: the tensor's own memory for float32, converted
    // into destination for bfloat16.
    private static ReadOnlySpan<float> ReadRow(nint address, bool bf16, long offset, Span<float> destination)
    {
        if (!bf16)
        {
            return new((float*)address + offset, destination.Length);
        }

        fixed (float* d = destination)
        {
            BFloat16Bits.ToFloat((ushort*)address + offset, d, destination.Length);
        }

        return destination;
    }

    private static void WriteRow(nint address, bool bf16, long offset, ReadOnlySpan<float> source)
    {
        fixed (float* s = source)
        {
            if (bf16)
            {
                BFloat16Bits.FromFloat(s, (ushort*)address + offset, source.Length);
            }
            else
            {
                new ReadOnlySpan<float>(s, source.Length).CopyTo(new Span<float>((float*)address + offset, source.Length));
            }
        }
    }

    // bfloat16: the value bfloat16 arithmetic would hold (round to nearest even and back); float32: unchanged.
    private static void RoundLikeDtype(Span<float> values, bool bf16)
    {
        if (!bf16)
        {
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BFloat16Bits.ToFloat(BFloat16Bits.FromFloat(values[i]));
        }
    }
}
