using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hyperfit.Models;

/// <summary>A decoder-only language model: token ids in, next-token logits out.</summary>
/// <remarks>Concrete families (Llama, Qwen2, GPT-2) keep Hugging Face's module names so that
/// <c>state_dict()</c> keys equal the checkpoint's tensor names.</remarks>
public abstract class CausalLM : nn.Module<CausalLMInput, Tensor>
{
    protected CausalLM(string name) : base(name)
    {
    }

    /// <summary>The parsed, validated config.json.</summary>
    public abstract ModelConfig Config { get; }

    /// <summary>An empty cache sized for this model; <paramref name="capacity"/> is a hint, it grows.</summary>
    public abstract KvCache CreateKvCache(int capacity = 256);

    /// <summary>Checkpoint tensors that are legitimately absent from a file (tied head) — never saved.</summary>
    public virtual IReadOnlySet<string> TiedParameterNames => new HashSet<string>();

    /// <summary>Checkpoint tensors that may be present in a file and are ignored (non-persistent buffers
    /// older writers saved, e.g. <c>rotary_emb.inv_freq</c> or GPT-2's <c>attn.bias</c>).</summary>
    public virtual bool IsIgnorableCheckpointTensor(string name) => name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal);

    /// <summary>Until the returned scope is disposed, the weights are laid out for fast generation, with the same
    /// names, shapes and values: every weight used as <c>linear(x, W)</c> (W: out × in) is stored column-major
    /// (transposed strides), so <c>linear</c> becomes a plain product over contiguous memory — on the CPU a one-row
    /// product (a KV-cached decode step is a chain of them) streams such a weight about twice as fast, and
    /// full-prefix forwards are no slower (docs/generation.md); and families that can fuse projections do
    /// (<see cref="FuseProjections"/>). Disposing restores contiguous row-major storage, the layout training and
    /// saving assume (both would work either way, only speed differs). Not for use while another thread runs the model.</summary>
    /// <remarks>With <paramref name="decodeKernel"/> and <see cref="DecodeKernel"/> on and a family that has CPU
    /// decode kernels for the weights' dtype, the weights stay row-major (the layout the kernels stream) and the scope
    /// runs one-token cached steps through the kernels.</remarks>
    /// <param name="decodeKernel">False when no one-token cached steps will run (recomputing the prefix every
    /// step): the weights then take the column-major layout libtorch's multi-row products are fastest with.</param>
    public IDisposable UseInferenceLayout(bool decodeKernel = true)
    {
        var kernel = decodeKernel && DecodeKernel && SupportsDecodeKernel();
        var weights = kernel
            ? []
            : named_parameters().Where(p => p.parameter.dim() == 2 && IsLinearWeight(p.name)).Select(p => p.parameter).ToArray();
        Relayout(weights, columnMajor: true);
        FuseProjections(fuse: true, columnMajor: !kernel);
        if (kernel)
        {
            EnterDecodeKernel();
        }

        return new LayoutScope(this, weights);
    }

    /// <summary>True (default): inside <see cref="UseInferenceLayout"/>, one-token KV-cached steps without gradients
    /// on the CPU run Hyperfit's own decode kernels (<c>Models/Cpu</c>) where the family has them — Llama and Qwen2
    /// with float32 weights — instead of the module graph: the weights stream at memory speed and ~40 libtorch calls
    /// per layer disappear (docs/generation.md). False: always the module graph, e.g. to compare the two.</summary>
    public bool DecodeKernel { get; set; } = true;

    /// <summary>True when this family has decode kernels for the model's current weights (dtype, device), i.e. when
    /// <see cref="DecodeKernel"/> makes a difference.</summary>
    public bool DecodeKernelAvailable => SupportsDecodeKernel();

    /// <summary>What one-token cached steps run on inside <see cref="UseInferenceLayout"/>: e.g. "decode kernel, 512-bit
    /// vectors", or "module graph (…)" with the reason (benchmarks print it).</summary>
    public virtual string DecodeKernelPath => "module graph (this family has no decode kernel)";

    /// <summary>Forward passes the family's decode kernel has run so far (tests and benchmarks check that it did).</summary>
    internal virtual long DecodeKernelSteps => 0;

    /// <summary>Whether this model's current weights (dtype, device) can run on decode kernels. Default: no.</summary>
    protected virtual bool SupportsDecodeKernel() => false;

    /// <summary>Starts routing eligible steps to the decode kernels; the weights are in their final layout and stay
    /// frozen until <see cref="ExitDecodeKernel"/>.</summary>
    protected virtual void EnterDecodeKernel()
    {
    }

    /// <summary>Ends <see cref="EnterDecodeKernel"/> (before the weights move again).</summary>
    protected virtual void ExitDecodeKernel()
    {
    }

    /// <summary>Fuses (true) or separates again (false) projections that read the same input, e.g. Llama's q/k/v,
    /// for forwards without gradients, storing the fused matrix column-major or row-major. The default does nothing.</summary>
    protected virtual void FuseProjections(bool fuse, bool columnMajor)
    {
    }

    /// <summary>True for the parameter names (as in <c>named_parameters()</c>) used as <c>linear(x, W)</c> weights,
    /// including an embedding the head is tied to. GPT-2's <c>Conv1D</c> weights (x @ W) are not among them.</summary>
    protected virtual bool IsLinearWeight(string name) => false;

    private static void Relayout(IEnumerable<Parameter> weights, bool columnMajor)
    {
        using var noGrad = no_grad();
        foreach (var w in weights)
        {
            using var scope = NewDisposeScope();
            // set_ swaps the storage under the same Parameter object: optimizers and modules keep their reference.
            w.set_(columnMajor ? w.t().contiguous().t() : w.contiguous());
        }
    }

    private sealed class LayoutScope(CausalLM model, Parameter[] weights) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                model.ExitDecodeKernel();
                model.FuseProjections(fuse: false, columnMajor: false);
                Relayout(weights, columnMajor: false);
            }
        }
    }

    /// <summary>Logits for (B, T) ids with no mask and no cache.</summary>
    public Tensor forward(Tensor inputIds) => forward(new CausalLMInput(inputIds));

    /// <summary>The forward pass with every hidden state (Hugging Face's <c>output_hidden_states=True</c>), always
    /// through the module graph. Gradients flow through the returned tensors when enabled.</summary>
    /// <exception cref="NotSupportedException">The model does not expose hidden states.</exception>
    public CausalLMOutput ForwardWithHiddenStates(CausalLMInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hiddenStates = new List<Tensor>();
        try
        {
            return new CausalLMOutput(ForwardCollecting(input, hiddenStates), hiddenStates);
        }
        catch
        {
            hiddenStates.ForEach(h => h.Dispose());
            throw;
        }
    }

    /// <summary>The module-graph forward; adds each hidden state to <paramref name="hiddenStates"/> when given (the
    /// embeddings' output, then every layer's, the last one after the final norm, as transformers does).</summary>
    protected virtual Tensor ForwardCollecting(CausalLMInput input, List<Tensor>? hiddenStates) =>
        throw new NotSupportedException($"{GetType().Name} does not expose hidden states");

    /// <summary>The rotary embedding's <c>inv_freq</c> (head_dim / 2, float32) after any <c>rope_scaling</c>, as
    /// transformers' <c>rotary_emb.inv_freq</c>; null for families with learned positions (GPT-2).</summary>
    public virtual Tensor? RotaryInverseFrequencies() => null;

    /// <summary>The rotary cos and sin for (B, T) position ids, each (B, T, head_dim) float32 in transformers'
    /// layout (<c>cat(freqs, freqs)</c>, unsigned sin), as <c>rotary_emb(x, position_ids)</c> returns them; null for
    /// families with learned positions (GPT-2).</summary>
    public virtual (Tensor Cos, Tensor Sin)? RotaryCosSin(Tensor positionIds) => null;
}
