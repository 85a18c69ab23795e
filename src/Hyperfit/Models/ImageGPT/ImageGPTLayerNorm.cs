using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.ImageGPT;

/// <summary>transformers' <c>ImageGPTLayerNorm</c>: <c>x / sqrt(mean(x²) + eps) * weight</c> over the last dimension —
/// no mean-centring and no bias, computed in the input's dtype.</summary>
/// <remarks>transformers multiplies by <c>self.weight.data</c>, which is outside autograd: the gain never receives a
/// gradient, so training (and hyperfitting) with transformers leaves it at its loaded value. The same is done here
/// (<c>weight.detach()</c>), so a model trained by Hyperfit changes exactly the tensors transformers' would.</remarks>
public sealed class ImageGPTLayerNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    private readonly double _eps;

    public ImageGPTLayerNorm(long size, double eps, ScalarType dtype, Device? device = null) : base(nameof(ImageGPTLayerNorm))
    {
        _weight = new Parameter(ones(size, dtype, device));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var rms = (x.square().mean([-1], keepdim: true) + _eps).sqrt(); // (…, 1)
        return (x / rms * _weight.detach()).MoveToOuterDisposeScope();  // (…, D)
    }
}
