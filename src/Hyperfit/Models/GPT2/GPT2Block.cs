using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.GPT2;

/// <summary>Pre-norm block (LayerNorm, or ImageGPT's norm): <c>h = x + attn(ln_1(x)); out = h + mlp(ln_2(h))</c>.</summary>
public sealed class GPT2Block : nn.Module<GPT2Attention.Input, Tensor>
{
    [ComponentName(Name = "ln_1")]
    private readonly nn.Module<Tensor, Tensor> _ln1;
    [ComponentName(Name = "attn")]
    private readonly GPT2Attention _attn;
    [ComponentName(Name = "ln_2")]
    private readonly nn.Module<Tensor, Tensor> _ln2;
    [ComponentName(Name = "mlp")]
    private readonly GPT2Mlp _mlp;

    public GPT2Block(GPT2Config config, int layer, double dropout, ScalarType dtype, Device? device) : base(nameof(GPT2Block))
    {
        _ln1 = config.CreateNorm(dtype, device);
        _attn = new GPT2Attention(config, layer, dropout, dtype, device);
        _ln2 = config.CreateNorm(dtype, device);
        _mlp = new GPT2Mlp(config, dropout, dtype, device);
        RegisterComponents();
    }

    public override Tensor forward(GPT2Attention.Input input)
    {
        using var scope = NewDisposeScope();
        var h = input.Hidden + _attn.forward(input with { Hidden = _ln1.forward(input.Hidden) });
        return (h + _mlp.forward(_ln2.forward(h))).MoveToOuterDisposeScope();
    }
}
