using Hyperfit.Models.Cpu;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Hyperfit.Models.Llama;

/// <summary><c>LlamaForCausalLM</c>: the backbone plus the vocabulary head (tied to the embeddings when
/// <c>tie_word_embeddings</c> is true, in which case no <c>lm_head.weight</c> exists in the file or the state dict).</summary>
public class LlamaForCausalLM : CausalLM
{
    [ComponentName(Name = "model")]
    private readonly LlamaModel _model;
    [ComponentName(Name = "lm_head")]
    private readonly Linear? _lmHead;
    private readonly LlamaConfig _config;

    public LlamaForCausalLM(LlamaConfig config, ModelOptions options) : this(nameof(LlamaForCausalLM), config, options)
    {
    }

    protected LlamaForCausalLM(string name, LlamaConfig config, ModelOptions options) : base(name)
    {
        _config = config;
        _model = new LlamaModel(config, options.Dropout, options.DType, options.Device);
        _lmHead = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, options.Device, options.DType);
        RegisterComponents();
    }

    public override ModelConfig Config => _config;

    public override IReadOnlySet<string> TiedParameterNames =>
        _config.TieWordEmbeddings ? new HashSet<string> { "lm_head.weight" } : new HashSet<string>();

    protected override bool IsLinearWeight(string name) =>
        name.EndsWith("_proj.weight", StringComparison.Ordinal) || name == "lm_head.weight"
        || (_config.TieWordEmbeddings && name == "model.embed_tokens.weight");

    protected override void FuseProjections(bool fuse, bool columnMajor) => _model.FuseProjections(fuse, columnMajor);

    private LlamaDecodeKernel? _decodeKernel;

    private long _decodeKernelSteps;

    internal override long DecodeKernelSteps => _decodeKernelSteps;

    /// <summary>Vector width of the decode kernels built from now on; null (default): the processor's widest
    /// (<see cref="SimdWidths.Hardware"/>). Tests run every width the processor has against the module graph.</summary>
    internal SimdWidth? DecodeKernelWidth { get; set; }

    /// <summary>Threads of the decode kernels built from now on, the caller included; null (default): libtorch's
    /// intra-op count when the kernel is built. Tests check that the count never changes a result.</summary>
    internal int? DecodeKernelThreads { get; set; }

    public override string DecodeKernelPath
    {
        get
        {
            var reason = !DecodeKernel ? "decode kernel switched off"
                : LlamaDecodeKernel.Unavailable(_config)
                  ?? (SupportsDecodeKernel() ? null : "the decode kernel takes float32 CPU weights only");
            return reason is null
                ? $"decode kernel, {(int)(DecodeKernelWidth ?? SimdWidths.Hardware!.Value)}-bit vectors, {DecodeKernelThreads ?? _decodeKernel?.Threads ?? get_num_threads()} threads"
                : $"module graph ({reason})";
        }
    }

    // The (V, D) matrix the head multiplies by: its own, or the tied embedding.
    private Tensor HeadWeight => _lmHead?.weight ?? _model.EmbeddingWeight;

    protected override bool SupportsDecodeKernel() =>
        LlamaDecodeKernel.Unavailable(_config) is null
        && parameters().All(p => p.dtype == ScalarType.Float32 && p.device_type == DeviceType.CPU);

    protected override void EnterDecodeKernel()
    {
        _decodeKernel?.Dispose();
        // The embedding's weight getter hands out a new handle to the same storage on every call: release it here
        // (the kernel keeps only addresses, which the module's own handle keeps valid).
        using var scope = NewDisposeScope();
        _decodeKernel = LlamaDecodeKernel.TryCreate(_model, HeadWeight, parameters(), DecodeKernelWidth, DecodeKernelThreads);
    }

    protected override void ExitDecodeKernel()
    {
        _decodeKernel?.Dispose();
        _decodeKernel = null;
    }

    public override KvCache CreateKvCache(int capacity = 256) => new(_config.NumHiddenLayers, capacity);

    public override Tensor forward(CausalLMInput input)
    {
        // Not in training mode: the kernel has no dropout.
        if (_decodeKernel is not null && DecodeKernel && !training && LlamaDecodeKernel.CanRun(input))
        {
            _decodeKernelSteps++;
            return _decodeKernel.Forward(input);
        }

        return ForwardCollecting(input, null);
    }

    public override Tensor? RotaryInverseFrequencies() => _model.Rotary.InverseFrequencies();

    public override (Tensor Cos, Tensor Sin)? RotaryCosSin(Tensor positionIds) => _model.Rotary.HfCosSin(positionIds);

    protected override Tensor ForwardCollecting(CausalLMInput input, List<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var hidden = input.HiddenForHead(_model.Run(input, hiddenStates)); // (B, T, D), or (B, N, D) with LogitsToKeep = N
        var logits = _lmHead is null
            ? nn.functional.linear(hidden, _model.EmbeddingWeight) // tied: share the (V, D) embedding
            : _lmHead.forward(hidden);                            // (B, T, V)
        return logits.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ExitDecodeKernel();
        }

        base.Dispose(disposing);
    }
}
