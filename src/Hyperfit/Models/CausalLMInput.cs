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
public sealed record CausalLMInput(Tensor InputIds, Tensor? AttentionMask = null, Tensor? PositionIds = null, KvCache? Cache = null);
