using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>Next-token objective (§3) and the entropy of the predicted distributions, both in float32 whatever
/// the compute dtype (a bf16 log-softmax over a large vocabulary loses too much precision).</summary>
public static class LanguageModelLoss
{
    /// <summary>Mean cross-entropy of logits[:, :-1] against ids[:, 1:]: every position predicts the next token.</summary>
    /// <param name="logits">(B, T, V) in any float dtype, or (B, T − 1, V) when the last id was not fed to the model
    /// (<see cref="ModelInputs"/>): then every logit predicts.</param>
    /// <param name="ids">(B, T) int64.</param>
    public static Tensor NextToken(Tensor logits, Tensor ids)
    {
        var (predictions, targets) = Shift(logits, ids);
        return nn.functional.cross_entropy(predictions, targets);
    }

    /// <summary>The ids a model reads for the next-token loss over (B, T) <paramref name="ids"/>: all of them, or all
    /// but the last when T exceeds the model's positions by one (ImageGPT's start-token layout: 1 + 1024 ids for 1024
    /// positions) — the last id is only ever a target, so the loss is the same.</summary>
    public static Tensor ModelInputs(Tensor ids, int maxPositions)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var t = ids.shape[1];
        return t == maxPositions + 1 ? ids.narrow(1, 0, t - 1) : ids;
    }

    /// <summary>Mean over positions of −Σ p log p of the predicted next-token distribution (nats).</summary>
    /// <param name="ids">The (B, T) ids whose next tokens are predicted; with (B, T − 1) logits every logit counts.</param>
    public static Tensor MeanEntropy(Tensor logits, Tensor? ids = null)
    {
        var t = logits.shape[1];
        var predicting = ids is not null && ids.shape[1] == t + 1 ? t : t - 1;
        var logProbs = logits.narrow(1, 0, predicting).to(float32).log_softmax(-1); // (B, T−1, V)
        return -(logProbs.exp() * logProbs).sum(-1).mean();
    }

    private static (Tensor Predictions, Tensor Targets) Shift(Tensor logits, Tensor ids)
    {
        var (b, v) = (logits.shape[0], logits.shape[2]);
        var t = ids.shape[1];
        var predictions = logits.narrow(1, 0, t - 1).to(float32).reshape(b * (t - 1), v); // (B·(T−1), V)
        var targets = ids.narrow(1, 1, t - 1).reshape(b * (t - 1));                       // (B·(T−1))
        return (predictions, targets);
    }
}
