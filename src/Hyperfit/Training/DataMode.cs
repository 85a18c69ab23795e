namespace Hyperfit.Training;

/// <summary>How documents become fixed-length training sequences.</summary>
public enum DataMode
{
    /// <summary>§3 (hyperfitting): documents with at least L tokens, each cut to its first L; shorter ones skipped.</summary>
    Truncate,

    /// <summary>Pre-training: every document, EOS between documents, concatenated and cut into consecutive
    /// L-token sequences (the remainder shorter than L is dropped).</summary>
    Pack,
}
