using Hyperfit.Models.Llama;

namespace Hyperfit.Models.Qwen2;

/// <summary><c>Qwen2ForCausalLM</c>: the Llama decoder with q/k/v biases (see <see cref="Qwen2Config"/>).</summary>
public sealed class Qwen2ForCausalLM(LlamaConfig config, ModelOptions options)
    : LlamaForCausalLM(nameof(Qwen2ForCausalLM), config, options);
