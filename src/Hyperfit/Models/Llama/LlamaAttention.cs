using Hyperfit.Models.Common;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.Llama;

/// <summary>Multi-head attention with rotary positions and grouped-query key/value heads.</summary>
public sealed class LlamaAttention : nn.Module<LlamaAttention.Input, Tensor>
{
    /// <summary>Hidden states (B, T, D), rotary cos and signed sin (B, 1, T, hd), additive mask (B, 1, T, S) or null for
    /// plain causal attention, the cache (or null) and this layer's index in it.</summary>
    public sealed record Input(Tensor Hidden, Tensor Cos, Tensor SignedSin, Tensor? Mask, KvCache? Cache, int Layer);

    [ComponentName(Name = "q_proj")]
    private readonly Linear _qProj;
    [ComponentName(Name = "k_proj")]
    private readonly Linear _kProj;
    [ComponentName(Name = "v_proj")]
    private readonly Linear _vProj;
    [ComponentName(Name = "o_proj")]
    private readonly Linear _oProj;

    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly double _dropout;

    public LlamaAttention(LlamaConfig config, double dropout, ScalarType dtype, Device? device) : base(nameof(LlamaAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _dropout = dropout;
        _qProj = nn.Linear(config.HiddenSize, _heads * _headDim, config.QkvBias, device, dtype);
        _kProj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, config.QkvBias, device, dtype);
        _vProj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, config.QkvBias, device, dtype);
        _oProj = nn.Linear(_heads * _headDim, config.HiddenSize, config.OutputBias, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Input input)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (input.Hidden.shape[0], input.Hidden.shape[1]);
        var q = _qProj.forward(input.Hidden).view(b, t, _heads, _headDim).transpose(1, 2);   // (B, nH, T, hd)
        var k = _kProj.forward(input.Hidden).view(b, t, _kvHeads, _headDim).transpose(1, 2); // (B, nKv, T, hd)
        var v = _vProj.forward(input.Hidden).view(b, t, _kvHeads, _headDim).transpose(1, 2); // (B, nKv, T, hd)
        q = RotaryEmbedding.Apply(q, input.Cos, input.SignedSin);
        k = RotaryEmbedding.Apply(k, input.Cos, input.SignedSin);
        if (input.Cache is not null)
        {
            (k, v) = input.Cache.Update(input.Layer, k, v); // (B, nKv, S, hd), S = past + T
        }

        k = RepeatKv(k);
        v = RepeatKv(v);                                                                       // (B, nH, S, hd)
        var p = training ? _dropout : 0.0;
        var attended = input.Mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, p: p, is_casual: t > 1)
            : nn.functional.scaled_dot_product_attention(q, k, v, input.Mask, p);              // (B, nH, T, hd)
        var merged = attended.transpose(1, 2).reshape(b, t, _heads * _headDim);              // (B, T, nH·hd)
        return _oProj.forward(merged).MoveToOuterDisposeScope();
    }

    // GQA: kv head j serves query heads j·r … j·r + r − 1, i.e. repeat each kv head in place.
    private Tensor RepeatKv(Tensor x)
    {
        var r = _heads / _kvHeads;
        if (r == 1)
        {
            return x;
        }

        var (b, s) = (x.shape[0], x.shape[2]);
        return x.unsqueeze(2).expand(b, _kvHeads, r, s, _headDim).reshape(b, _heads, s, _headDim); // (B, nKv, S, hd) → (B, nH, S, hd)
    }
}
