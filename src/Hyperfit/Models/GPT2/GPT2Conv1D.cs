using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.GPT2;

/// <summary>GPT-2's "Conv1D": a linear layer whose weight is stored transposed, (in, out): <c>y = x @ W + b</c>.</summary>
public sealed class GPT2Conv1D : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    [ComponentName(Name = "bias")]
    private readonly Parameter _bias;

    public GPT2Conv1D(long inFeatures, long outFeatures, ScalarType dtype, Device? device) : base(nameof(GPT2Conv1D))
    {
        // transformers initialises these with N(0, 0.02) and zero bias; loading overwrites them anyway.
        _weight = new Parameter(normal(0, 0.02, [inFeatures, outFeatures], dtype, device));
        _bias = new Parameter(zeros(outFeatures, dtype, device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var shape = x.shape;
        var flat = x.reshape(-1, shape[^1]);                 // (B·T, in)
        var y = addmm(_bias, flat, _weight, 1, 1);                // (B·T, out)
        var outShape = shape.ToArray();
        outShape[^1] = _weight.shape[1];
        return y.view(outShape).MoveToOuterDisposeScope();   // (B, T, out)
    }
}
