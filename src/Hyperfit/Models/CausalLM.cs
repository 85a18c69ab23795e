using TorchSharp;
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

    /// <summary>Logits for (B, T) ids with no mask and no cache.</summary>
    public Tensor forward(Tensor inputIds) => forward(new CausalLMInput(inputIds));
}
