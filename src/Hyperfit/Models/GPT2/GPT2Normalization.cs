namespace Hyperfit.Models.GPT2;

/// <summary>Which normalisation the GPT-2 blocks and <c>ln_f</c> use.</summary>
public enum GPT2Normalization
{
    /// <summary>GPT-2's <c>nn.LayerNorm</c>: mean-centred, with weight and bias.</summary>
    LayerNorm,

    /// <summary>ImageGPT's <c>ImageGPTLayerNorm</c> (<see cref="ImageGPT.ImageGPTLayerNorm"/>): no mean-centring, no bias.</summary>
    ImageGpt,
}
