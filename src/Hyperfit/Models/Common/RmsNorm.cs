using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.Common;

/// <summary>Root-mean-square layer norm as Llama/Qwen2 compute it: <c>weight * (x / sqrt(mean(x²) + eps))</c>, the
/// normalisation in float32, multiplied by <c>weight</c> itself (not 1 + weight), then cast back.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    private readonly double _eps;

    public RmsNorm(long size, double eps, ScalarType dtype, Device? device = null) : base(nameof(RmsNorm))
    {
        _weight = new Parameter(ones(size, dtype, device));
        _eps = eps;
        RegisterComponents();
    }

    /// <summary>The (D) scale, for the CPU decode kernels.</summary>
    internal Parameter Weight => _weight;

    internal double Eps => _eps;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inputType = x.dtype;
        var h = inputType == float32 ? x : x.to_type(float32);
        var inverseRms = h.square().mean([-1], keepdim: true).add_(_eps).rsqrt_();
        h = h * inverseRms;
        return (_weight * (inputType == float32 ? h : h.to_type(inputType))).MoveToOuterDisposeScope();
    }
}
