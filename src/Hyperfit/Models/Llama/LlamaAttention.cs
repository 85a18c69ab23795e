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

    private Tensor? _qkvWeight; // (nH·hd + 2·nKv·hd, D) while fused (column- or row-major): q/k/v weights are views of it
    private Tensor? _qkvBias;   // (nH·hd + 2·nKv·hd) likewise, when the projections have biases

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

    // The projections, for the CPU decode kernels (LlamaDecodeKernel).
    internal Linear QProj => _qProj;
    internal Linear KProj => _kProj;
    internal Linear VProj => _vProj;
    internal Linear OProj => _oProj;

    public override Tensor forward(Input input)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (input.Hidden.shape[0], input.Hidden.shape[1]);
        Tensor q, k, v;
        if (_qkvWeight is not null && !is_grad_enabled())
        {
            // Fused (generation only: gradients would not reach the separate weights): one product, one rotation.
            var qkv = nn.functional.linear(input.Hidden, _qkvWeight, _qkvBias)
                .view(b, t, _heads + (2 * _kvHeads), _headDim).transpose(1, 2);                      // (B, nH + 2·nKv, T, hd)
            var qk = RotaryEmbedding.Apply(qkv.narrow(1, 0, _heads + _kvHeads), input.Cos, input.SignedSin); // (B, nH + nKv, T, hd)
            q = qk.narrow(1, 0, _heads);                                                               // (B, nH, T, hd)
            k = qk.narrow(1, _heads, _kvHeads);                                                        // (B, nKv, T, hd)
            v = qkv.narrow(1, _heads + _kvHeads, _kvHeads);                                            // (B, nKv, T, hd)
        }
        else
        {
            q = _qProj.forward(input.Hidden).view(b, t, _heads, _headDim).transpose(1, 2);   // (B, nH, T, hd)
            k = _kProj.forward(input.Hidden).view(b, t, _kvHeads, _headDim).transpose(1, 2); // (B, nKv, T, hd)
            v = _vProj.forward(input.Hidden).view(b, t, _kvHeads, _headDim).transpose(1, 2); // (B, nKv, T, hd)
            q = RotaryEmbedding.Apply(q, input.Cos, input.SignedSin);
            k = RotaryEmbedding.Apply(k, input.Cos, input.SignedSin);
        }

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

    /// <summary>While fused, q/k/v weights (and biases) are views of one column-major matrix, so a forward without
    /// gradients runs one product and one rotation instead of three and two. The parameters keep their names, shapes
    /// and values, and in-place updates write through; <see cref="Unfuse"/> gives each its own storage back.</summary>
    internal void FuseProjections(bool columnMajor)
    {
        if (_qkvWeight is not null)
        {
            return;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Linear[] projections = [_qProj, _kProj, _vProj];
        var fused = cat(projections.Select(p => p.weight!).ToArray(), 0); // (O, D), row-major
        _qkvWeight = (columnMajor ? fused.t().contiguous().t() : fused).DetachFromDisposeScope();
        _qkvBias = _qProj.bias is null ? null : cat(projections.Select(p => p.bias!).ToArray(), 0).DetachFromDisposeScope();
        long offset = 0;
        foreach (var projection in projections)
        {
            var rows = projection.weight!.shape[0];
            projection.weight!.set_(_qkvWeight.narrow(0, offset, rows));
            if (_qkvBias is not null)
            {
                projection.bias!.set_(_qkvBias.narrow(0, offset, rows));
            }

            offset += rows;
        }
    }

    /// <summary>Ends <see cref="FuseProjections"/>: each projection gets contiguous storage of its own again.</summary>
    internal void Unfuse()
    {
        if (_qkvWeight is null)
        {
            return;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var projection in new[] { _qProj, _kProj, _vProj })
        {
            // A row-major fused matrix's slices are already contiguous views: contiguous() would keep sharing it.
            var weight = projection.weight!;
            weight.set_(weight.is_contiguous() ? weight.clone() : weight.contiguous());
            if (projection.bias is { } bias)
            {
                bias.set_(bias.clone()); // a 1-D slice is already contiguous: copy it out explicitly
            }
        }

        _qkvWeight.Dispose();
        _qkvBias?.Dispose();
        _qkvWeight = null;
        _qkvBias = null;
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
