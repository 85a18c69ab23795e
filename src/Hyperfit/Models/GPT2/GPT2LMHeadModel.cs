using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.GPT2;

/// <summary><c>GPT2LMHeadModel</c>: <c>transformer</c> plus a head tied to <c>wte</c> (unless the config unties it).</summary>
public sealed class GPT2LMHeadModel : CausalLM
{
    [ComponentName(Name = "transformer")]
    private readonly GPT2Model _transformer;
    [ComponentName(Name = "lm_head")]
    private readonly Linear? _lmHead;
    private readonly GPT2Config _config;

    public GPT2LMHeadModel(GPT2Config config, ModelOptions options) : base(nameof(GPT2LMHeadModel))
    {
        _config = config;
        _transformer = new GPT2Model(config, options.Dropout, options.DType, options.Device);
        _lmHead = config.TieWordEmbeddings ? null : nn.Linear(config.NEmbd, config.VocabSize, hasBias: false, options.Device, options.DType);
        RegisterComponents();
    }

    public override ModelConfig Config => _config;

    public override IReadOnlySet<string> TiedParameterNames =>
        _config.TieWordEmbeddings ? new HashSet<string> { "lm_head.weight" } : new HashSet<string>();

    /// <summary>Buffers older GPT-2 files carry (causal-mask triangles), never saved by current transformers.</summary>
    public override bool IsIgnorableCheckpointTensor(string name) =>
        name.EndsWith(".attn.bias", StringComparison.Ordinal) || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal);

    // The blocks' Conv1D weights are (in, out) and multiply as x @ W: already the fast layout. Only the head is linear.
    protected override bool IsLinearWeight(string name) =>
        name == "lm_head.weight" || (_config.TieWordEmbeddings && name == "transformer.wte.weight");

    public override KvCache CreateKvCache(int capacity = 256) => new(_config.NLayer, capacity);

    public override Tensor forward(CausalLMInput input) => ForwardCollecting(input, null);

    protected override Tensor ForwardCollecting(CausalLMInput input, List<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var hidden = input.HiddenForHead(_transformer.Run(input, hiddenStates)); // (B, T, D), or (B, N, D) with LogitsToKeep = N
        var logits = _lmHead is null ? nn.functional.linear(hidden, _transformer.EmbeddingWeight) : _lmHead.forward(hidden);
        return logits.MoveToOuterDisposeScope(); // (B, T, V)
    }
}
