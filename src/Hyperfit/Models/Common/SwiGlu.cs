using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Hyperfit.Models.Cpu;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models.Common;

/// <summary>SwiGLU's activation <c>silu(gate) · up</c> as one autograd function on the CPU: forward and backward
/// each one pass over their tensors, where libtorch runs silu and a product forward (two passes, an extra (…, I)
/// tensor saved for backward) and three element-wise kernels backward.</summary>
/// <remarks>Backward: with <c>s = sigmoid(g)</c>, <c>d up = dy · g·s</c> and <c>d gate = dy · up · s·(1 + g·(1 − s))</c>.
/// The arithmetic is in float32 for float32 and bfloat16 tensors alike; bfloat16 results are rounded to nearest even
/// once at the end (libtorch rounds silu's output before the product as well), so values agree with the unfused
/// graph to rounding (tested against float64). Only the gate and up tensors are saved, nothing else.
/// Used while training on the CPU (<see cref="Applies"/>); inference keeps the module graph, so generation is
/// unchanged.</remarks>
internal sealed unsafe class SwiGlu : autograd.SingleTensorFunction<SwiGlu>
{
    // Elements per work item: a few L1-sized temporaries per thread, enough items to share two threads.
    private const int Chunk = 4096;

    public override string Name => nameof(SwiGlu);

    /// <summary>True when <see cref="Apply"/> takes these tensors: same-shaped contiguous float32 or bfloat16 CPU
    /// tensors while gradients are recorded for at least one of them.</summary>
    public static bool Applies(Tensor gate, Tensor up) =>
        is_grad_enabled() && (gate.requires_grad || up.requires_grad)
        && gate.device_type == DeviceType.CPU && up.device_type == DeviceType.CPU
        && gate.dtype == up.dtype && gate.dtype is ScalarType.Float32 or ScalarType.BFloat16
        && gate.shape.SequenceEqual(up.shape);

    /// <summary><c>silu(gate) · up</c> with the fused backward.</summary>
    public static Tensor Apply(Tensor gate, Tensor up) => apply(gate, up);

    /// <summary><c>silu(gate) · up</c>: fused (<see cref="Apply"/>) where it <see cref="Applies"/>, libtorch's
    /// silu and product otherwise (inference, other dtypes and devices: generation is unchanged by this class).</summary>
    public static Tensor Activate(Tensor gate, Tensor up) => Applies(gate, up) ? Apply(gate, up) : nn.functional.silu(gate) * up;

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var gate = ((Tensor)vars[0]).contiguous();
        var up = ((Tensor)vars[1]).contiguous();
        var output = empty_like(gate);
        var (g0, u0, y0) = (Elements.Of(gate), Elements.Of(up), Elements.Of(output));
        Run(gate.numel(), (first, count, buffer) =>
        {
            var g = g0.Load(first, count, buffer, 0);
            var u = u0.Load(first, count, buffer, 1);
            var s = Scratch(buffer, 2, count);
            var y = y0.Target(first, count, buffer, 3);
            TensorPrimitives.Sigmoid(g, s);
            TensorPrimitives.Multiply(g, s, s);  // silu(g)
            TensorPrimitives.Multiply(s, u, y);
            y0.Store(first, count, buffer, 3);
        });
        ctx.save_for_backward([gate, up]);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (gate, up) = (saved[0], saved[1]);
        var dy = gradOutput.to_type(gate.dtype).contiguous();
        var dGate = empty_like(gate);
        var dUp = empty_like(up);
        var (g0, u0, d0, dg0, du0) = (Elements.Of(gate), Elements.Of(up), Elements.Of(dy), Elements.Of(dGate), Elements.Of(dUp));
        Run(gate.numel(), (first, count, buffer) =>
        {
            var g = g0.Load(first, count, buffer, 0);
            var u = u0.Load(first, count, buffer, 1);
            var d = d0.Load(first, count, buffer, 2);
            var s = Scratch(buffer, 3, count);
            var t = Scratch(buffer, 4, count);
            var du = du0.Target(first, count, buffer, 5);
            var dg = dg0.Target(first, count, buffer, 6);
            TensorPrimitives.Sigmoid(g, s);
            TensorPrimitives.Multiply(g, s, t);      // silu(g) = g·s
            TensorPrimitives.Multiply(d, t, du);     // d up
            TensorPrimitives.Subtract(g, t, t);      // g·(1 − s)
            TensorPrimitives.Add(t, 1f, t);
            TensorPrimitives.Multiply(t, s, t);      // silu'(g) = s·(1 + g·(1 − s))
            TensorPrimitives.Multiply(t, u, t);
            TensorPrimitives.Multiply(t, d, dg);     // d gate
            du0.Store(first, count, buffer, 5);
            dg0.Store(first, count, buffer, 6);
        });
        return [dGate, dUp];
    }

    private delegate void ChunkBody(long first, int count, float* buffer);

    // Runs `body` over [0, total) in chunks on libtorch's intra-op thread count; each call gets its own buffer of
    // 7 × Chunk floats (inputs converted from bfloat16, temporaries, outputs before rounding to bfloat16).
    private static void Run(long total, ChunkBody body) =>
        IntraOpParallel.For((int)((total + Chunk - 1) / Chunk), i =>
        {
            var buffer = stackalloc float[7 * Chunk];
            var first = (long)i * Chunk;
            body(first, (int)Math.Min(Chunk, total - first), buffer);
        });

    private static Span<float> Scratch(float* buffer, int slot, int count) => new(buffer + ((long)slot * Chunk), count);

    // A contiguous float32 or bfloat16 tensor's elements, seen as float32 one chunk at a time.
    private readonly struct Elements(nint address, bool isBFloat16)
    {
        public static Elements Of(Tensor t) => t.dtype == ScalarType.Float32
            ? new((nint)TensorMemory.Float32(t), false)
            : new((nint)TensorMemory.BFloat16(t), true);

        // The chunk as float32: in place for float32, converted into buffer slot `slot` for bfloat16.
        public ReadOnlySpan<float> Load(long first, int count, float* buffer, int slot)
        {
            if (!isBFloat16)
            {
                return new((float*)address + first, count);
            }

            BFloat16Bits.ToFloat((ushort*)address + first, buffer + ((long)slot * Chunk), count);
            return new(buffer + ((long)slot * Chunk), count);
        }

        // Where a chunk's float32 result goes: the tensor itself for float32, buffer slot `slot` for bfloat16 (then Store).
        public Span<float> Target(long first, int count, float* buffer, int slot) =>
            isBFloat16 ? new(buffer + ((long)slot * Chunk), count) : new((float*)address + first, count);

        public void Store(long first, int count, float* buffer, int slot)
        {
            if (isBFloat16)
            {
                BFloat16Bits.FromFloat(buffer + ((long)slot * Chunk), (ushort*)address + first, count);
            }
        }
    }
}
