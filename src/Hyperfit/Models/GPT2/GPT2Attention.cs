using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.GPT2;

/// <summary>GPT-2 multi-head attention: one fused <c>c_attn</c> projection split into q | k | v.</summary>
public sealed class GPT2Attention : nn.Module<GPT2Attention.Input, Tensor>
{
    /// <summary>Hidden states (B, T, D), additive mask (B, 1, T, S) or null for plain causal attention, cache.</summary>
    public sealed record Input(Tensor Hidden, Tensor? Mask, KvCache? Cache, int Layer);

    [ComponentName(Name = "c_attn")]
    private readonly GPT2Conv1D _cAttn;
    [ComponentName(Name = "c_proj")]
    private readonly GPT2Conv1D _cProj;
    private readonly Dropout _residDropout;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _dropout;
    private readonly double _queryScale;

    public GPT2Attention(GPT2Config config, int layer, double dropout, ScalarType dtype, Device? device) : base(nameof(GPT2Attention))
    {
        _heads = config.NHead;
        _headDim = config.NEmbd / config.NHead;
        _dropout = dropout;
        _cAttn = new GPT2Conv1D(config.NEmbd, 3 * config.NEmbd, dtype, device);
        _cProj = new GPT2Conv1D(config.NEmbd, config.NEmbd, dtype, device);
        _residDropout = nn.Dropout(dropout);
        // SDPA always divides by sqrt(hd); fold GPT-2's optional variants into a query scale instead.
        var scale = config.ScaleAttnWeights ? 1.0 : Math.Sqrt(_headDim);
        _queryScale = config.ScaleAttnByInverseLayerIdx ? scale / (layer + 1) : scale;
        RegisterComponents();
    }

    public override Tensor forward(Input input)
    {
        using var scope = NewDisposeScope();
        var (b, t, d) = (input.Hidden.shape[0], input.Hidden.shape[1], input.Hidden.shape[2]);
        var qkv = _cAttn.forward(input.Hidden).split(d, dim: 2);                   // 3 × (B, T, D)
        var q = qkv[0].view(b, t, _heads, _headDim).transpose(1, 2);               // (B, H, T, hd)
        var k = qkv[1].view(b, t, _heads, _headDim).transpose(1, 2);
        var v = qkv[2].view(b, t, _heads, _headDim).transpose(1, 2);
        if (_queryScale != 1.0)
        {
            q = q * _queryScale;
        }

        if (input.Cache is not null)
        {
            (k, v) = input.Cache.Update(input.Layer, k, v);                       // (B, H, S, hd)
        }

        var p = training ? _dropout : 0.0;
        var attended = input.Mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, p: p, is_casual: t > 1)
            : nn.functional.scaled_dot_product_attention(q, k, v, input.Mask, p);  // (B, H, T, hd)
        var merged = attended.transpose(1, 2).reshape(b, t, d);                    // (B, T, D)
        return _residDropout.forward(_cProj.forward(merged)).MoveToOuterDisposeScope();
    }
}
