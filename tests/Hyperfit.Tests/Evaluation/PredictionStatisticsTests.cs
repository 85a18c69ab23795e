using Hyperfit.Evaluation;

namespace Hyperfit.Tests.Evaluation;

public sealed class PredictionStatisticsTests
{
    private static SequencePredictions Fixed(params float[] probabilities) => new(
        [.. probabilities.Select(p => MathF.Log(p))],
        new float[probabilities.Length],
        [.. Enumerable.Range(0, SequencePredictions.MaxTopK).Select(k => Enumerable.Repeat((k + 1) / 10f, probabilities.Length).ToArray())],
        new int[probabilities.Length]);

    [Fact]
    public void Should_pool_positions_for_perplexity_and_average_texts_separately()
    {
        // Given text A with target probabilities 1/2, 1/2 and text B with 1/8
        var sequences = new[] { Fixed(0.5f, 0.5f), Fixed(0.125f) };

        // When aggregated
        var stats = PredictionStatistics.Aggregate(sequences);

        // Then pooled PPL = (1/2·1/2·1/8)^(−1/3) = 32^(1/3); per-text mean = (2 + 8) / 2 = 5
        Assert.Equal(3, stats.Positions);
        Assert.Equal(Math.Pow(32, 1.0 / 3), stats.Perplexity, 5);
        Assert.Equal(5.0, stats.MeanTextPerplexity, 5);
        Assert.Equal(0.3, stats.At(3), 5);
    }

    [Fact]
    public void Should_reject_when_nothing_is_scored()
    {
        // Given one text with one predicted position
        // When aggregation starts at target 3
        // Then it fails
        Assert.Throws<ArgumentException>(() => PredictionStatistics.Aggregate([Fixed(0.5f)], firstTarget: 3));
    }
}
