using System.Diagnostics;
using Hyperfit.Models;
using Hyperfit.Models.Common;
using Hyperfit.Models.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>One op family's share of a training update (<see cref="TrainProfiler"/>).</summary>
/// <param name="Family">e.g. "matmul: projections".</param>
/// <param name="Calls">Invocations per update (forward and backward together count as one).</param>
/// <param name="ForwardMs">Forward time per update (all calls).</param>
/// <param name="BackwardMs">Backward time per update (all calls).</param>
/// <param name="Gflop">Work per update in GFLOP (forward + backward), or null where FLOPs say nothing (element-wise).</param>
/// <param name="Gflops">Achieved GFLOP/s, or null.</param>
public sealed record OpFamilyTime(string Family, int Calls, double ForwardMs, double BackwardMs, double? Gflop, double? Gflops)
{
    public double TotalMs => ForwardMs + BackwardMs;
}

/// <summary>Time per op family of one training update, measured by replaying each family's ops (forward, then
/// backward from a random output gradient) at the model's exact shapes and dtype, in isolation, and multiplying by
/// how often an update calls them. The sum is compared with the measured update: what is left is autograd's
/// bookkeeping, casts, copies, allocation and cache effects that isolated replays do not see.</summary>
/// <remarks>libtorch's own profiler is not reachable from TorchSharp 0.107, so families are timed from the outside.
/// Each measurement is the median of <c>repeats</c> runs after a warm-up. Llama-family models only (Llama, Qwen2).</remarks>
public static class TrainProfiler
{
    /// <summary>Op families of one update of <paramref name="model"/> on (batch × sequence) tokens in
    /// <paramref name="dtype"/> (float32 or bfloat16). Empty for families other than Llama's.</summary>
    public static IReadOnlyList<OpFamilyTime> Run(CausalLM model, int batchSize, int sequenceLength, ScalarType dtype, int repeats = 3)
    {
        if (model.Config is not LlamaConfig c)
        {
            return [];
        }

        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        Tensor Random(params long[] shape) => randn(shape, generator: generator).mul_(0.1).to(dtype);
        var (b, t, d, layers) = ((long)batchSize, (long)sequenceLength, (long)c.HiddenSize, c.NumHiddenLayers);
        var rows = b * t;
        var families = new List<OpFamilyTime>();

        // Projections: x·Wᵀ forward; dX = dY·W and dW = dYᵀ·X backward (2·M·K·N FLOPs each).
        (long In, long Out, int Count)[] projections =
        [
            (d, c.NumAttentionHeads * (long)c.HeadDim, 1), (d, c.NumKeyValueHeads * (long)c.HeadDim, 2),
            (c.NumAttentionHeads * (long)c.HeadDim, d, 1), (d, c.IntermediateSize, 2), (c.IntermediateSize, d, 1),
        ];
        var (forward, backward, flop) = (0.0, 0.0, 0.0);
        foreach (var (inputs, outputs, count) in projections)
        {
            var (f, g) = Linear(Random, rows, inputs, outputs, repeats);
            forward += f * count * layers;
            backward += g * count * layers;
            flop += 6.0 * rows * inputs * outputs * count * layers;
        }

        families.Add(Family("matmul: projections", 7 * layers, forward, backward, flop));
        var (headForward, headBackward) = Linear(Random, rows, d, c.VocabSize, repeats);
        families.Add(Family("matmul: vocabulary head", 1, headForward, headBackward, 6.0 * rows * d * c.VocabSize));

        // Attention: SDPA over (B, nH, T, hd) with keys/values repeated for grouped-query heads, as LlamaAttention runs it.
        var (attentionForward, attentionBackward) = Measure(repeats, () =>
        {
            var q = Random(b, c.NumAttentionHeads, t, c.HeadDim).requires_grad_();
            var k = Random(b, c.NumAttentionHeads, t, c.HeadDim).requires_grad_();
            var v = Random(b, c.NumAttentionHeads, t, c.HeadDim).requires_grad_();
            return ([q, k, v], () => nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true));
        });
        // 4·B·nH·T²·hd forward (scores and values, the full square as PaLM counts it), twice that backward.
        families.Add(Family("attention (SDPA)", layers, attentionForward * layers, attentionBackward * layers,
            12.0 * b * c.NumAttentionHeads * t * t * c.HeadDim * layers));

        using var norm = new RmsNorm(d, c.RmsNormEps, dtype);
        var (normForward, normBackward) = Measure(repeats, () =>
        {
            var x = Random(b, t, d).requires_grad_();
            return ([x], () => norm.forward(x));
        });
        families.Add(Family("RMSNorm", (2 * layers) + 1, normForward * ((2 * layers) + 1), normBackward * ((2 * layers) + 1), null));

        var cos = Random(1, 1, t, c.HeadDim);
        var sin = Random(1, 1, t, c.HeadDim);
        var (rotaryForward, rotaryBackward) = Measure(repeats, () =>
        {
            var x = Random(b, c.NumAttentionHeads + c.NumKeyValueHeads, t, c.HeadDim).requires_grad_(); // q and k together
            return ([x], () => RotaryEmbedding.Apply(x, cos, sin));
        });
        families.Add(Family("rotary (q and k)", 2 * layers, rotaryForward * layers, rotaryBackward * layers, null));

        var (gluForward, gluBackward) = Measure(repeats, () =>
        {
            var gate = Random(b, t, c.IntermediateSize).requires_grad_();
            var up = Random(b, t, c.IntermediateSize).requires_grad_();
            return ([gate, up], () => nn.functional.silu(gate) * up);
        });
        var (addForward, addBackward) = Measure(repeats, () =>
        {
            var x = Random(b, t, d).requires_grad_();
            var y = Random(b, t, d).requires_grad_();
            return ([x, y], () => x + y);
        });
        families.Add(Family("element-wise (SwiGLU gate, residual adds)", 3 * layers, (gluForward + (2 * addForward)) * layers,
            (gluBackward + (2 * addBackward)) * layers, null));

        // The loss and d(loss)/d(logits) of FusedCrossEntropy: its backward is part of the same pass.
        var logits = Random(b, t, c.VocabSize);
        var ids = randint(0, c.VocabSize, [b, t], dtype: ScalarType.Int64, generator: generator);
        var lossMs = Median(repeats, () => FusedCrossEntropy.NextToken(logits, ids).Gradient.Dispose());
        families.Add(Family("cross-entropy over the vocabulary (fused)", 1, lossMs, 0, null));

        var weight = Random(c.VocabSize, d).requires_grad_(); // nn.Embedding's forward is this gather
        var tokens = randint(0, c.VocabSize, [b, t], dtype: ScalarType.Int64, generator: generator);
        var (embedForward, embedBackward) = Measure(repeats, () => ([weight], () => weight.index_select(0, tokens.reshape(-1)).view(b, t, d)));
        families.Add(Family("embedding lookup", 1, embedForward, embedBackward, null));
        return families;
    }

    private static OpFamilyTime Family(string name, long calls, double forwardMs, double backwardMs, double? flop) =>
        new(name, (int)calls, forwardMs, backwardMs, flop / 1e9, flop is { } f ? f / ((forwardMs + backwardMs) / 1000) / 1e9 : null);

    // (forward ms, backward ms) of x·Wᵀ for an (M × in) input and an (out × in) weight.
    private static (double Forward, double Backward) Linear(Func<long[], Tensor> random, long rows, long inputs, long outputs, int repeats) =>
        Measure(repeats, () =>
        {
            var x = random([rows, inputs]).requires_grad_();
            var w = random([outputs, inputs]).requires_grad_();
            return ([x, w], () => nn.functional.linear(x, w));
        });

    // Median forward and backward times of an op: setup() makes fresh leaves and the op; backward starts from a random
    // output gradient of the output's shape (made before the clock starts).
    private static (double Forward, double Backward) Measure(int repeats, Func<(Tensor[] Leaves, Func<Tensor> Op)> setup)
    {
        var forward = new List<double>();
        var backward = new List<double>();
        for (var i = 0; i <= repeats; i++)
        {
            using var scope = NewDisposeScope();
            var (_, op) = setup();
            var clock = Stopwatch.StartNew();
            var output = op();
            var forwardMs = clock.Elapsed.TotalMilliseconds;
            var gradient = randn_like(output);
            clock.Restart();
            output.backward([gradient]);
            var backwardMs = clock.Elapsed.TotalMilliseconds;
            if (i > 0)
            {
                // The first run warms up: allocation and kernel selection.
                forward.Add(forwardMs);
                backward.Add(backwardMs);
            }
        }

        return (MedianOf(forward), MedianOf(backward));
    }

    private static double Median(int repeats, Action action)
    {
        action();
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return MedianOf(times);
    }

    private static double MedianOf(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
