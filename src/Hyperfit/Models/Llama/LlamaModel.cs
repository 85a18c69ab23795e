using Hyperfit.Models.Common;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.Llama;

/// <summary>The Llama backbone: embeddings, decoder layers, final norm; returns hidden states (B, T, D).</summary>
public sealed class LlamaModel : nn.Module<CausalLMInput, Tensor>
{
    [ComponentName(Name = "embed_tokens")]
    private readonly Embedding _embedTokens;
    [ComponentName(Name = "layers")]
    private readonly ModuleList<LlamaDecoderLayer> _layers;
    [ComponentName(Name = "norm")]
    private readonly RmsNorm _norm;
    private readonly RotaryEmbedding _rotary;
    private readonly LlamaConfig _config;

    public LlamaModel(LlamaConfig config, double dropout, ScalarType dtype, Device? device) : base(nameof(LlamaModel))
    {
        _config = config;
        _embedTokens = nn.Embedding(config.VocabSize, config.HiddenSize, device: device, dtype: dtype);
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(_ => new LlamaDecoderLayer(config, dropout, dtype, device)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        // Angles of the first positions up front (4096 × head dim × 2 floats at most); longer inputs grow the table.
        _rotary = new RotaryEmbedding(config.HeadDim, config.RopeTheta, config.RopeScaling, device, Math.Min(config.MaxPositions, 4096));
        RegisterComponents();
    }

    /// <summary>The input embedding matrix (V, D); the tied head multiplies by it.</summary>
    public Parameter EmbeddingWeight => _embedTokens.weight!;

    // The sub-modules, for the CPU decode kernels (LlamaDecodeKernel).
    internal IReadOnlyList<LlamaDecoderLayer> Layers => [.. _layers];
    internal RmsNorm Norm => _norm;
    internal LlamaConfig LlamaConfig => _config;

    /// <summary>Fuses (or separates again) every layer's q/k/v projections: <see cref="LlamaAttention.FuseProjections"/>.</summary>
    internal void FuseProjections(bool fuse, bool columnMajor)
    {
        foreach (var layer in _layers)
        {
            layer.FuseProjections(fuse, columnMajor);
        }
    }

    public override Tensor forward(CausalLMInput input) => Run(input, null);

    internal RotaryEmbedding Rotary => _rotary;

    /// <summary>The forward pass; with <paramref name="hiddenStates"/>, appends transformers' output_hidden_states
    /// (embeddings, layers 1 … L − 1, final norm), each owned by the caller.</summary>
    internal Tensor Run(CausalLMInput input, List<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var ids = input.InputIds;
        var t = ids.shape[1];
        var past = input.Cache?.Length ?? 0;
        CheckSlidingWindow(past + t);
        var h = _embedTokens.forward(ids); // (B, T, D)
        var (cos, sin) = RotaryAngles(input, past, h.dtype);
        var mask = AttentionMasks.Additive(input.AttentionMask, past, t, h.dtype, ids.device);
        for (var i = 0; i < _layers.Count; i++)
        {
            hiddenStates?.Add(h.alias().DetachFromDisposeScope());
            h = _layers[i].forward(new LlamaAttention.Input(h, cos, sin, mask, input.Cache, i));
        }

        input.Cache?.Advance((int)t);
        var normed = _norm.forward(h);
        hiddenStates?.Add(normed.alias().DetachFromDisposeScope());
        return normed.MoveToOuterDisposeScope();
    }

    /// <summary>Rotary cos and signed sin (B or 1, 1, T, hd) for the input's T new positions after
    /// <paramref name="past"/> cached ones: from the table when positions are known to be in range (no explicit
    /// ids), else computed.</summary>
    internal (Tensor Cos, Tensor SignedSin) RotaryAngles(CausalLMInput input, int past, ScalarType dtype)
    {
        var ids = input.InputIds;
        var (b, t) = (ids.shape[0], ids.shape[1]);
        return (input.PositionIds, input.AttentionMask) switch
        {
            (null, null) => _rotary.Range(past, t, dtype, ids.device),
            (null, { } attentionMask) => _rotary.Lookup(AttentionMasks.PositionIds(attentionMask, past, b, t, ids.device), past + t - 1, dtype),
            ({ } explicitIds, _) => _rotary.CosSin(explicitIds, dtype),
        };
    }

    internal void CheckSlidingWindow(long length)
    {
        if (_config.SlidingWindow is { } window && length > window)
        {
            throw new ArgumentException(
                $"sequence length {length} exceeds sliding_window ({window}); sliding-window attention is not implemented");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rotary.Dispose();
        }

        base.Dispose(disposing);
    }
}
