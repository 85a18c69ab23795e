using Hyperfit.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Training;

public sealed class FusedAdamTests
{
    // Two parameter sets with identical values and gradients: one stepped by TorchSharp, one by the fused kernel.
    private static (Parameter[] A, Parameter[] B) Twins(int seed)
    {
        using var generator = new Generator((ulong)seed);
        long[][] shapes = [[37, 19], [19], [1000], [5, 3, 7]]; // sizes not multiples of a vector, one over a chunk boundary
        var a = shapes.Select(s => new Parameter(randn(s, generator: generator) * 0.1)).ToArray();
        var b = a.Select(p => new Parameter(p.detach().clone())).ToArray();
        return (a, b);
    }

    private static void SetGradients(Parameter[] a, Parameter[] b, int seed)
    {
        using var generator = new Generator((ulong)seed);
        for (var i = 0; i < a.Length; i++)
        {
            var g = randn(a[i].shape, generator: generator) * 0.01;
            a[i].grad = g.clone();
            b[i].grad = g.clone();
        }
    }

    [Theory]
    [InlineData(false, 0.0, 1)]
    [InlineData(false, 0.1, 2)]
    [InlineData(true, 0.1, 1)]
    [InlineData(true, 0.0, 2)]
    public void Should_take_the_steps_torchsharps_optimizer_takes(bool decoupled, double weightDecay, int threads)
    {
        // Given twin parameters, one under TorchSharp's Adam/AdamW and one under the fused kernel (two groups: decayed
        // and not, as the trainer's AdamW has), with PyTorch's defaults and a large rate so steps are visible
        var (a, b) = Twins(1);
        OptimizerHelper Make(Parameter[] p) => decoupled
            ? new AdamW([new AdamW.ParamGroup(p[..2], new AdamW.Options { LearningRate = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = weightDecay }),
                         new AdamW.ParamGroup(p[2..], new AdamW.Options { LearningRate = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0 })])
            : new Adam([new Adam.ParamGroup(p[..2], new Adam.Options { LearningRate = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = weightDecay }),
                        new Adam.ParamGroup(p[2..], new Adam.Options { LearningRate = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0 })]);
        using var reference = Make(a);
        using var fused = Make(b);
        var previous = get_num_threads();
        set_num_threads(threads);
        try
        {
            // When both take 5 steps on the same gradients
            for (var step = 0; step < 5; step++)
            {
                SetGradients(a, b, 100 + step);
                reference.step();
                Assert.True(FusedAdam.TryStep(fused));
            }
        }
        finally
        {
            set_num_threads(previous);
        }

        // Then parameters and moments agree to float32 rounding and the step counters match
        var sa = reference.state_dict().State;
        var sb = fused.state_dict().State;
        for (var i = 0; i < a.Length; i++)
        {
            AssertClose(a[i], b[i], 2e-7);
            var (ma, va, ta) = Moments(sa[i]);
            var (mb, vb, tb) = Moments(sb[i]);
            AssertClose(ma, mb, 1e-8); // moments ~1e-2: about one float32 rounding step
            AssertClose(va, vb, 1e-12);
            Assert.Equal(ta, tb);
            Assert.Equal(5, tb);
        }
    }

    [Fact]
    public void Should_match_adams_formula_in_double_precision()
    {
        // Given one parameter and three gradients, stepped by the kernel with weight decay (L2) 0.05
        var p = new Parameter(tensor(new[] { 0.5f, -1.25f, 3f }));
        using var optimizer = new Adam([p], lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.05);
        float[][] grads = [[0.1f, -0.2f, 0.3f], [0.05f, 0.1f, -0.3f], [-0.2f, 0.0f, 0.25f]];
        foreach (var g in grads)
        {
            p.grad = tensor(g);
            Assert.True(FusedAdam.TryStep(optimizer));
        }

        // Then the result is Kingma & Ba's Adam (with PyTorch's L2 term) computed here in double precision
        double[] x = [0.5, -1.25, 3], m = new double[3], v = new double[3];
        for (var t = 1; t <= grads.Length; t++)
        {
            for (var i = 0; i < 3; i++)
            {
                var g = grads[t - 1][i] + (0.05 * x[i]);
                m[i] = (0.9 * m[i]) + (0.1 * g);
                v[i] = (0.999 * v[i]) + (0.001 * g * g);
                x[i] -= 0.1 / (1 - Math.Pow(0.9, t)) * m[i] / ((Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, t))) + 1e-8);
            }
        }

        var actual = p.data<float>().ToArray();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(x[i], actual[i], 1e-6);
        }
    }

    [Fact]
    public void Should_skip_a_parameter_without_a_gradient_and_decline_mixed_step_counts()
    {
        // Given two parameters of which only the first has a gradient
        var p = new Parameter(ones(4));
        var q = new Parameter(ones(4));
        using var optimizer = new Adam([p, q], lr: 0.1);
        p.grad = ones(4);

        // When the kernel steps, then q is untouched and only p's counter advanced
        Assert.True(FusedAdam.TryStep(optimizer));
        Assert.Equal(4f, q.sum().item<float>());
        Assert.NotEqual(4f, p.sum().item<float>());

        // And with both gradients present the counters differ (1 and 0): the kernel declines, changing nothing
        q.grad = ones(4);
        var before = p.detach().clone();
        Assert.False(FusedAdam.TryStep(optimizer));
        Assert.Equal(before.data<float>().ToArray(), p.data<float>().ToArray());
    }

    private static (Tensor M, Tensor V, long Step) Moments(OptimizerState s) => s switch
    {
        Adam.State x => (x.exp_avg, x.exp_avg_sq, x.step),
        AdamW.State x => (x.exp_avg, x.exp_avg_sq, x.step),
        _ => throw new InvalidOperationException(),
    };

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= tolerance, $"max difference {difference} > {tolerance}");
    }
}
