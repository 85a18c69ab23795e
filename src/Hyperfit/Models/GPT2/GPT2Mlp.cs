using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.GPT2;

/// <summary><c>c_proj(act(c_fc(x)))</c> with GPT-2's activation (gelu_new = tanh approximation).</summary>
public sealed class GPT2Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "c_fc")]
    private readonly GPT2Conv1D _cFc;
    [ComponentName(Name = "c_proj")]
    private readonly GPT2Conv1D _cProj;
    private readonly Dropout _dropout;
    private readonly string _activation;

    public GPT2Mlp(GPT2Config config, double dropout, ScalarType dtype, Device? device) : base(nameof(GPT2Mlp))
    {
        _cFc = new GPT2Conv1D(config.NEmbd, config.NInner, dtype, device);
        _cProj = new GPT2Conv1D(config.NInner, config.NEmbd, dtype, device);
        _dropout = nn.Dropout(dropout);
        _activation = config.ActivationFunction;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = _cFc.forward(x);
        h = _activation switch
        {
            "gelu_new" or "gelu_pytorch_tanh" => nn.functional.gelu(h, GELU.Approximate.tanh),
            "gelu" => nn.functional.gelu(h),
            "relu" => nn.functional.relu(h),
            "quick_gelu" => h * (h * 1.702).sigmoid(), // transformers' QuickGELUActivation (ImageGPT's default)
            _ => throw new InvalidOperationException($"activation {_activation} was not rejected by GPT2Config.Validate"),
        };
        return _dropout.forward(_cProj.forward(h)).MoveToOuterDisposeScope();
    }
}
