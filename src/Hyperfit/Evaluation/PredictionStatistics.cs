namespace Hyperfit.Evaluation;

/// <summary>
/// Token-level aggregates of model predictions (Table 1 "Context PPL", Table 3, Table 6), pooled over every scored
/// position of every sequence.
/// </summary>
/// <param name="Positions">Scored positions N.</param>
/// <param name="MeanNll">(1/N) Σ −ln p(target).</param>
/// <param name="Perplexity">exp(MeanNll): corpus perplexity, every position weighted equally.</param>
/// <param name="MeanTextPerplexity">Mean over sequences of each sequence's own exp(mean NLL); equals
/// <paramref name="Perplexity"/> only when every sequence has the same NLL. Reported for comparison.</param>
/// <param name="MeanEntropy">(1/N) Σ H(p_t) in nats (Table 3 "Entropy").</param>
/// <param name="TopMass">TopMass[k − 1] = (1/N) Σ (summed probability of the k most probable tokens), k = 1..5 (@k Prob).</param>
public sealed record PredictionStatistics(long Positions, double MeanNll, double Perplexity, double MeanTextPerplexity,
    double MeanEntropy, IReadOnlyList<double> TopMass)
{
    /// <summary>@k: mean cumulative probability of the k most probable tokens (k = 1..5).</summary>
    public double At(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, TopMass.Count);
        return TopMass[k - 1];
    }

    /// <summary>
    /// Aggregates the positions whose target index is ≥ <paramref name="firstTarget"/> (target index = position in the
    /// token sequence; 1 scores everything that can be scored, see <see cref="SequencePredictions"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No sequences, or no scored position at all.</exception>
    public static PredictionStatistics Aggregate(IReadOnlyList<SequencePredictions> sequences, int firstTarget = 1)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstTarget, 1);
        if (sequences.Count == 0)
        {
            throw new ArgumentException("No sequences to aggregate.", nameof(sequences));
        }

        long positions = 0;
        double nll = 0, entropy = 0, textPerplexitySum = 0;
        var texts = 0;
        var topMass = new double[SequencePredictions.MaxTopK];
        foreach (var s in sequences)
        {
            var from = firstTarget - 1;
            if (s.Count <= from)
            {
                continue;
            }

            double textNll = 0;
            for (var i = from; i < s.Count; i++)
            {
                textNll -= s.LogProb[i];
                entropy += s.Entropy[i];
                for (var k = 0; k < topMass.Length; k++)
                {
                    topMass[k] += s.TopMass[k][i];
                }
            }

            nll += textNll;
            positions += s.Count - from;
            textPerplexitySum += Math.Exp(textNll / (s.Count - from));
            texts++;
        }

        if (positions == 0)
        {
            throw new ArgumentException($"No position with target index ≥ {firstTarget} to aggregate (sequences too short).", nameof(sequences));
        }

        var meanNll = nll / positions;
        return new PredictionStatistics(positions, meanNll, Math.Exp(meanNll), textPerplexitySum / texts, entropy / positions,
            topMass.Select(m => m / positions).ToArray());
    }
}
