namespace Hyperfit.Evaluation;

/// <summary>
/// What a model predicted at every position of one token sequence under teacher forcing. Index <c>i</c> describes the
/// distribution predicted for target token <c>ids[i + 1]</c> from the prefix <c>ids[0..i]</c>, so a sequence of n tokens
/// has n − 1 entries: the first token is never predicted (nothing precedes it; with a BOS-prefixed sequence the BOS is
/// that unpredicted first token).
/// </summary>
/// <param name="LogProb">ln p(target), float32 log-softmax.</param>
/// <param name="Entropy">−Σ p ln p of the predicted distribution, in nats.</param>
/// <param name="TopMass">TopMass[k − 1][i] = summed probability of the k most probable tokens, k = 1..<see cref="MaxTopK"/>.</param>
/// <param name="Argmax">The top-1 token id (ties resolved by the backend's argmax).</param>
public sealed record SequencePredictions(float[] LogProb, float[] Entropy, float[][] TopMass, int[] Argmax)
{
    /// <summary>@1, @3 and @5 are reported (Tables 3 and 6); the scorer keeps the cumulative masses up to 5.</summary>
    public const int MaxTopK = 5;

    /// <summary>Predicted positions (n − 1 for an n-token sequence).</summary>
    public int Count => LogProb.Length;
}
