using Hyperfit.Models.Common;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.Llama;

/// <summary>Pre-norm block: <c>h = x + attn(norm(x)); out = h + mlp(norm(h))</c>.</summary>
public sealed class LlamaDecoderLayer : nn.Module<LlamaAttention.Input, Tensor>
{
    [ComponentName(Name = "self_attn")]
    private readonly LlamaAttention _selfAttn;
    [ComponentName(Name = "mlp")]
    private readonly LlamaMlp _mlp;
    [ComponentName(Name = "input_layernorm")]
    private readonly RmsNorm _inputLayernorm;
    [ComponentName(Name = "post_attention_layernorm")]
    private readonly RmsNorm _postAttentionLayernorm;
    private readonly Dropout? _residualDropout; // null when off: saves a call per residual in every step

    public LlamaDecoderLayer(LlamaConfig config, double dropout, ScalarType dtype, Device? device) : base(nameof(LlamaDecoderLayer))
    {
        _selfAttn = new LlamaAttention(config, dropout, dtype, device);
        _mlp = new LlamaMlp(config, dtype, device);
        _inputLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        _postAttentionLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        _residualDropout = dropout > 0 ? nn.Dropout(dropout) : null;
        RegisterComponents();
    }

    // The sub-modules, for the CPU decode kernels (LlamaDecodeKernel).
    internal LlamaAttention SelfAttention => _selfAttn;
    internal LlamaMlp Mlp => _mlp;
    internal RmsNorm InputLayernorm => _inputLayernorm;
    internal RmsNorm PostAttentionLayernorm => _postAttentionLayernorm;

    internal void FuseProjections(bool fuse, bool columnMajor)
    {
        if (fuse)
        {
            _selfAttn.FuseProjections(columnMajor);
        }
        else
        {
            _selfAttn.Unfuse();
        }
    }

    public override Tensor forward(LlamaAttention.Input input)
    {
        using var scope = NewDisposeScope();
        var attended = _selfAttn.forward(input with { Hidden = _inputLayernorm.forward(input.Hidden) });
        var h = input.Hidden + Drop(attended);
        var output = h + Drop(_mlp.forward(_postAttentionLayernorm.forward(h)));
        return output.MoveToOuterDisposeScope();
    }

    private Tensor Drop(Tensor x) => _residualDropout is null ? x : _residualDropout.forward(x);
}
