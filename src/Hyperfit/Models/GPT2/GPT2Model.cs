using Hyperfit.Models.Common;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.GPT2;

/// <summary>The GPT-2 backbone (<c>transformer.*</c>): token + learned position embeddings, blocks, final LayerNorm.</summary>
public sealed class GPT2Model : nn.Module<CausalLMInput, Tensor>
{
    [ComponentName(Name = "wte")]
    private readonly Embedding _wte;
    [ComponentName(Name = "wpe")]
    private readonly Embedding _wpe;
    [ComponentName(Name = "h")]
    private readonly ModuleList<GPT2Block> _h;
    [ComponentName(Name = "ln_f")]
    private readonly nn.Module<Tensor, Tensor> _lnF;
    private readonly Dropout _embedDropout;
    private readonly int _maxPositions;

    public GPT2Model(GPT2Config config, double dropout, ScalarType dtype, Device? device) : base(nameof(GPT2Model))
    {
        _wte = nn.Embedding(config.VocabSize, config.NEmbd, device: device, dtype: dtype);
        _wpe = nn.Embedding(config.NPositions, config.NEmbd, device: device, dtype: dtype);
        _h = nn.ModuleList(Enumerable.Range(0, config.NLayer).Select(i => new GPT2Block(config, i, dropout, dtype, device)).ToArray());
        _lnF = config.CreateNorm(dtype, device);
        _embedDropout = nn.Dropout(dropout);
        _maxPositions = config.NPositions;
        RegisterComponents();
    }

    public Parameter EmbeddingWeight => _wte.weight!;

    public override Tensor forward(CausalLMInput input) => Run(input, null);

    /// <summary>The forward pass; with <paramref name="hiddenStates"/>, appends transformers' output_hidden_states
    /// (embeddings, blocks 1 … L − 1, ln_f), each owned by the caller.</summary>
    internal Tensor Run(CausalLMInput input, List<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var ids = input.InputIds;
        var (b, t) = (ids.shape[0], ids.shape[1]);
        var past = input.Cache?.Length ?? 0;
        if (past + t > _maxPositions)
        {
            throw new ArgumentException($"sequence length {past + t} exceeds n_positions ({_maxPositions})");
        }

        // Learned positions: with left padding they must come from the mask, as generate() computes them.
        var positions = input.PositionIds ?? AttentionMasks.PositionIds(input.AttentionMask, past, b, t, ids.device);
        var h = _embedDropout.forward(_wte.forward(ids) + _wpe.forward(positions)); // (B, T, D)
        var mask = AttentionMasks.Additive(input.AttentionMask, past, t, h.dtype, ids.device);
        for (var i = 0; i < _h.Count; i++)
        {
            hiddenStates?.Add(h.alias().DetachFromDisposeScope());
            h = _h[i].forward(new GPT2Attention.Input(h, mask, input.Cache, i));
        }

        input.Cache?.Advance((int)t);
        var normed = _lnF.forward(h);
        hiddenStates?.Add(normed.alias().DetachFromDisposeScope());
        return normed.MoveToOuterDisposeScope();
    }
}
