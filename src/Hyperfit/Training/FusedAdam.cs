using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Hyperfit.Models.Cpu;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>Adam and AdamW steps over all parameters in one pass over memory: each element's parameter, gradient and
/// two moments are read once and written once, instead of the ~10 whole-tensor passes (and two temporaries) of
/// TorchSharp's per-parameter op chain.</summary>
/// <remarks>
/// The arithmetic is TorchSharp's <c>Adam.step</c> / <c>AdamW.step</c> (PyTorch's single-tensor Adam) in float32,
/// operation by operation in the same order: <c>m = m·β₁ + (1−β₁)·g</c>,
/// <c>v = v·β₂ + ((1−β₂)·g)·g</c>, <c>p = p + (−lr/bc₁)·m / (√v / √bc₂ + ε)</c>, with Adam's L2 term added to the
/// gradient first and AdamW's decay <c>p·(1 − lr·wd)</c> applied first. It works on the optimizer's own state
/// tensors (so checkpoints, <c>state_dict()</c> and the step counters stay TorchSharp's); a parameter without a
/// gradient is skipped as TorchSharp skips it. Float32, contiguous CPU tensors only: anything else uses the
/// optimizer's own <c>step()</c>.
/// </remarks>
internal static unsafe class FusedAdam
{
    // Elements per work item: big enough to amortise scheduling, small enough to balance two threads.
    private const long Chunk = 1 << 16;

    private readonly struct Segment(float* param, float* grad, float* expAvg, float* expAvgSq, long count, float l2, float decay)
    {
        public readonly float* Param = param, Grad = grad, ExpAvg = expAvg, ExpAvgSq = expAvgSq;
        public readonly long Count = count;
        public readonly float L2 = l2;       // Adam: g + l2·p
        public readonly float Decay = decay; // AdamW: p·decay before the step (1 when off)
    }

    /// <summary>One optimizer step over every parameter that has a gradient, advancing the step counters as
    /// TorchSharp's own step does. Returns false, having changed nothing, when the parameters do not share one
    /// (β₁, β₂, ε, learning rate, step count) or a tensor is not contiguous float32 on the CPU: the caller then
    /// runs the optimizer's own <c>step()</c>.</summary>
    public static bool TryStep(OptimizerHelper optimizer)
    {
        var states = optimizer.state_dict().State;
        var segments = new List<Segment>();
        var stepped = new List<OptimizerState>();
        double? beta1 = null, beta2 = null, lr = null, eps = null;
        long? step = null;
        var index = 0;
        using var scope = NewDisposeScope();
        foreach (var controller in optimizer.ParamGroups)
        {
            if (controller is not ParamGroup group)
            {
                return false;
            }

            var options = group.Options switch
            {
                Adam.Options o when o.amsgrad != true && o.maximize != true => (o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, Decoupled: false),
                AdamW.Options o when o.amsgrad != true && o.maximize != true => (o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, Decoupled: true),
                _ => ((double, double, double, double, bool Decoupled)?)null,
            };
            if (options is null)
            {
                return false;
            }

            var (b1, b2, e, wd, decoupled) = options.Value;

            var rate = group.LearningRate;
            foreach (var p in group.Parameters)
            {
                var state = states[index++];
                var grad = p.grad;
                if (grad is null)
                {
                    continue;
                }

                var (expAvg, expAvgSq, count) = Moments(state);
                // A single pass shares its scalars. The trainer's groups differ only in weight decay, and every
                // parameter gets a gradient in every update, so this holds there.
                if ((beta1 ?? b1) != b1 || (beta2 ?? b2) != b2 || (eps ?? e) != e || (lr ?? rate) != rate || (step ?? count) != count
                    || !TensorMemory.IsContiguousFloat32(p) || !TensorMemory.IsContiguousFloat32(grad)
                    || !TensorMemory.IsContiguousFloat32(expAvg) || !TensorMemory.IsContiguousFloat32(expAvgSq))
                {
                    return false;
                }

                (beta1, beta2, eps, lr, step) = (b1, b2, e, rate, count);
                segments.Add(new Segment(TensorMemory.Float32(p), TensorMemory.Float32(grad), TensorMemory.Float32(expAvg),
                    TensorMemory.Float32(expAvgSq), p.numel(), decoupled ? 0f : (float)wd, decoupled ? (float)(1 - (rate * wd)) : 1f));
                stepped.Add(state);
            }
        }

        if (segments.Count > 0)
        {
            var t = step!.Value + 1;
            var bias1 = 1 - Math.Pow(beta1!.Value, t);
            var bias2 = 1 - Math.Pow(beta2!.Value, t);
            Run(segments, new Constants((float)beta1.Value, (float)(1 - beta1.Value), (float)beta2!.Value, (float)(1 - beta2.Value),
                (float)Math.Sqrt(bias2), (float)eps!.Value, (float)(-(lr!.Value / bias1))));
            stepped.ForEach(Advance);
        }

        return true;
    }

    /// <summary>β₁, 1−β₁, β₂, 1−β₂, √bc₂, ε and −lr/bc₁, each rounded to float32 as libtorch rounds a double scalar
    /// for a float32 tensor.</summary>
    private readonly record struct Constants(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float Bias2Sqrt,
        float Eps, float NegStepSize);

    private static void Run(List<Segment> segments, Constants c)
    {
        // Work items: (segment, start) pairs of at most Chunk elements, spread over libtorch's intra-op threads.
        var items = new List<(int Segment, long Start)>();
        for (var s = 0; s < segments.Count; s++)
        {
            for (long start = 0; start < segments[s].Count; start += Chunk)
            {
                items.Add((s, start));
            }
        }

        var array = segments.ToArray();
        var threads = Math.Max(1, get_num_threads());
        if (threads == 1 || items.Count == 1)
        {
            foreach (var (s, start) in items)
            {
                Update(array[s], start, Math.Min(Chunk, array[s].Count - start), c);
            }

            return;
        }

        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var (s, start) = items[i];
            Update(array[s], start, Math.Min(Chunk, array[s].Count - start), c);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Update(in Segment s, long start, long count, Constants c)
    {
        float* p = s.Param + start, g = s.Grad + start, m = s.ExpAvg + start, v = s.ExpAvgSq + start;
        var n = Vector512<float>.Count;
        var vectorEnd = count - (count % n);
        var beta1 = Vector512.Create(c.Beta1);
        var oneMinusBeta1 = Vector512.Create(c.OneMinusBeta1);
        var beta2 = Vector512.Create(c.Beta2);
        var oneMinusBeta2 = Vector512.Create(c.OneMinusBeta2);
        var bias2Sqrt = Vector512.Create(c.Bias2Sqrt);
        var eps = Vector512.Create(c.Eps);
        var negStep = Vector512.Create(c.NegStepSize);
        var l2 = Vector512.Create(s.L2);
        var decay = Vector512.Create(s.Decay);
        for (long i = 0; i < vectorEnd; i += n)
        {
            var pv = Vector512.Load(p + i);
            var gv = Vector512.Load(g + i);
            if (s.Decay != 1f)
            {
                pv *= decay;                                         // AdamW: param.mul_(1 − lr·wd)
            }

            if (s.L2 != 0f)
            {
                gv = Vector512.FusedMultiplyAdd(pv, l2, gv);         // Adam: grad.add(param, alpha: wd)
            }

            var mv = Vector512.FusedMultiplyAdd(gv, oneMinusBeta1, Vector512.Load(m + i) * beta1); // mul_(β₁).add_(g, 1−β₁)
            var vv = (Vector512.Load(v + i) * beta2) + (oneMinusBeta2 * gv * gv);                  // mul_(β₂).addcmul_(g, g, 1−β₂)
            var denom = (Vector512.Sqrt(vv) / bias2Sqrt) + eps;                                     // sqrt(v) / √bc₂ + ε
            pv += negStep * mv / denom;                                                             // addcdiv_(m, denom, −lr/bc₁)
            mv.Store(m + i);
            vv.Store(v + i);
            pv.Store(p + i);
        }

        for (var i = vectorEnd; i < count; i++)
        {
            var pi = p[i];
            var gi = g[i];
            if (s.Decay != 1f)
            {
                pi *= s.Decay;
            }

            if (s.L2 != 0f)
            {
                gi = MathF.FusedMultiplyAdd(pi, s.L2, gi);
            }

            var mi = MathF.FusedMultiplyAdd(gi, c.OneMinusBeta1, m[i] * c.Beta1);
            var vi = (v[i] * c.Beta2) + (c.OneMinusBeta2 * gi * gi);
            var denom = (MathF.Sqrt(vi) / c.Bias2Sqrt) + c.Eps;
            pi += c.NegStepSize * mi / denom;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi;
        }
    }

    private static (Tensor ExpAvg, Tensor ExpAvgSq, long Step) Moments(OptimizerState state) => state switch
    {
        Adam.State a => (a.exp_avg, a.exp_avg_sq, a.step),
        AdamW.State a => (a.exp_avg, a.exp_avg_sq, a.step),
        _ => throw new NotSupportedException($"fused step of {state.GetType().Name}"),
    };

    private static void Advance(OptimizerState state)
    {
        switch (state)
        {
            case Adam.State a:
                a.step++;
                break;
            case AdamW.State a:
                a.step++;
                break;
        }
    }
}
