using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models;

/// <summary>Inputs of one causal-LM forward pass.</summary>
/// <param name="InputIds">(B, T) token ids, int64.</param>
/// <param name="AttentionMask">(B, Tpast + T) 1 for real tokens, 0 for padding, covering cached positions too
/// (Hugging Face convention). Null means every position is real.</param>
/// <param name="PositionIds">(B, T) positions; null derives them from the mask as <c>cumsum(mask) − 1</c>
/// (pads set to 1, as <c>generate()</c> does) or, without a mask, from the cache length.</param>
/// <param name="Cache">Keys and values of earlier positions; updated in place with this step's.</param>
/// <param name="LogitsToKeep">Hugging Face's <c>logits_to_keep</c>: only the last N positions go through the vocabulary
/// head, so the logits are (B, N, V); 0 keeps every position. Generation needs only the last one.</param>
public sealed record CausalLMInput(Tensor InputIds, Tensor? AttentionMask = null, Tensor? PositionIds = null, KvCache? Cache = null, int LogitsToKeep = 0)
{
    /// <summary>The rows of (B, T, D) hidden states the head should see: the last <see cref="LogitsToKeep"/> positions,
    /// or all of them.</summary>
    public Tensor HiddenForHead(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var t = hidden.shape[1];
        return LogitsToKeep <= 0 || LogitsToKeep >= t ? hidden : hidden.narrow(1, t - LogitsToKeep, LogitsToKeep); // (B, N, D)
    }
}
