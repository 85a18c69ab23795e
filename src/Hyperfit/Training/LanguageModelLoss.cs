using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>Next-token objective (§3) and the entropy of the predicted distributions, both in float32 whatever
/// the compute dtype (a bf16 log-softmax over a large vocabulary loses too much precision).</summary>
public static class LanguageModelLoss
{
    /// <summary>Mean cross-entropy of logits[:, :-1] against ids[:, 1:]: every position predicts the next token.</summary>
    /// <param name="logits">(B, T, V) in any float dtype.</param>
    /// <param name="ids">(B, T) int64.</param>
    public static Tensor NextToken(Tensor logits, Tensor ids)
    {
        var (predictions, targets) = Shift(logits, ids);
        return nn.functional.cross_entropy(predictions, targets);
    }

    /// <summary>Mean over positions of −Σ p log p of the predicted next-token distribution (nats).</summary>
    public static Tensor MeanEntropy(Tensor logits)
    {
        var t = logits.shape[1];
        var logProbs = logits.narrow(1, 0, t - 1).to(float32).log_softmax(-1); // (B, T−1, V)
        return -(logProbs.exp() * logProbs).sum(-1).mean();
    }

    private static (Tensor Predictions, Tensor Targets) Shift(Tensor logits, Tensor ids)
    {
        var (b, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2]);
        var predictions = logits.narrow(1, 0, t - 1).to(float32).reshape(b * (t - 1), v); // (B·(T−1), V)
        var targets = ids.narrow(1, 1, t - 1).reshape(b * (t - 1));                       // (B·(T−1))
        return (predictions, targets);
    }
}
