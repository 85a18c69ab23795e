namespace Hyperfit.Images;

/// <summary>How an image's cluster ids become a training / generation sequence.</summary>
public enum ImageSequenceLayout
{
    /// <summary>The paper's official code: the H·W ids alone; the first pixel is context, never predicted.</summary>
    Raw,

    /// <summary>transformers' pre-training layout: the start-of-sequence id (<c>vocab_size − 1</c>) first, then the H·W ids,
    /// so every pixel is predicted. A 32 × 32 image then needs 1025 ids; the last one is only a target, so it fits
    /// <c>n_positions</c> 1024.</summary>
    StartToken,
}
