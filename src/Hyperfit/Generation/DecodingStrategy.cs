namespace Hyperfit.Generation;

/// <summary>How the next token is chosen from the processed logits.</summary>
public enum DecodingStrategy
{
    /// <summary>Top-1 token at every step: the paper's setting for every model but the nucleus baseline (§4).</summary>
    Greedy,

    /// <summary>Temperature, top-k and top-p filtering, then one draw from the seeded generator.</summary>
    Sample,
}
