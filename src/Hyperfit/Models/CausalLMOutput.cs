using static TorchSharp.torch;

namespace Hyperfit.Models;

/// <summary>A forward pass with Hugging Face's <c>output_hidden_states=True</c>: the logits and every hidden state,
/// for probing what hyperfitting changes inside the model. Owns its tensors (dispose it, or move them out).</summary>
/// <param name="Logits">(B, T, V), or (B, N, V) with <see cref="CausalLMInput.LogitsToKeep"/> = N.</param>
/// <param name="HiddenStates">L + 1 tensors (B, T, D), as transformers returns them: the embedding output (token
/// plus learned position embeddings for GPT-2), the output of layers 1 … L − 1, and the output of the last layer
/// after the final norm (the tensor the head reads; the last layer's un-normalised output is not in the list).</param>
public sealed record CausalLMOutput(Tensor Logits, IReadOnlyList<Tensor> HiddenStates) : IDisposable
{
    public void Dispose()
    {
        Logits.Dispose();
        foreach (var h in HiddenStates)
        {
            h.Dispose();
        }
    }
}
