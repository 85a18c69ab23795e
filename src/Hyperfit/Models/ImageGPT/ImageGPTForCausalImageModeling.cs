using Hyperfit.Models.GPT2;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.ImageGPT;

/// <summary>transformers' <c>ImageGPTForCausalImageModeling</c>: the GPT-2 backbone (<c>transformer.*</c>, same Conv1D
/// layout, learned positions) with ImageGPT's mean-free norm and quick_gelu, and an untied <c>lm_head</c> of
/// <c>vocab_size − 1</c> outputs — one per colour cluster; the start-of-sequence id can be read but never predicted.</summary>
public sealed class ImageGPTForCausalImageModeling : CausalLM
{
    [ComponentName(Name = "transformer")]
    private readonly GPT2Model _transformer;
    [ComponentName(Name = "lm_head")]
    private readonly Linear _lmHead;
    private readonly ImageGPTConfig _config;

    public ImageGPTForCausalImageModeling(ImageGPTConfig config, ModelOptions options) : base(nameof(ImageGPTForCausalImageModeling))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        _config = config;
        _transformer = new GPT2Model(config.Backbone(), options.Dropout, options.DType, options.Device);
        _lmHead = nn.Linear(config.NEmbd, config.Clusters, hasBias: false, options.Device, options.DType);
        RegisterComponents();
    }

    public override ModelConfig Config => _config;

    /// <summary>Causal-mask buffers (<c>attn.bias</c>, <c>attn.masked_bias</c>) that files written before transformers
    /// made them non-persistent still carry; never saved.</summary>
    public override bool IsIgnorableCheckpointTensor(string name) =>
        name.EndsWith(".attn.bias", StringComparison.Ordinal) || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal);

    protected override bool IsLinearWeight(string name) => name == "lm_head.weight";

    public override KvCache CreateKvCache(int capacity = 256) => new(_config.NLayer, capacity);

    public override Tensor forward(CausalLMInput input) => ForwardCollecting(input, null);

    protected override Tensor ForwardCollecting(CausalLMInput input, List<Tensor>? hiddenStates)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = NewDisposeScope();
        var hidden = input.HiddenForHead(_transformer.Run(input, hiddenStates)); // (B, T, D), or (B, N, D) with LogitsToKeep = N
        return _lmHead.forward(hidden).MoveToOuterDisposeScope();               // (B, T, clusters)
    }
}
