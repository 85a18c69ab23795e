using Hyperfit.Tests.Models;
using Hyperfit.Evaluation;
using Hyperfit.Tests.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Evaluation;

public sealed class ModelScorerTests
{
    [Fact]
    public void Should_give_perplexity_V_and_entropy_ln_V_for_a_uniform_model()
    {
        // Given a model predicting the uniform distribution over V = 10 tokens
        using var model = FixedLogitsLM.SameRow(new float[10]);
        int[][] texts = [[0, 1, 2, 3, 4], [9, 9, 9]];

        // When both texts are scored in one batch and aggregated
        var stats = PredictionStatistics.Aggregate(ModelScorer.Score(model, texts, batchSize: 2));

        // Then 4 + 2 positions, PPL = V, entropy = ln V, @k = k / V
        Assert.Equal(6, stats.Positions);
        Assert.Equal(10.0, stats.Perplexity, 4);
        Assert.Equal(10.0, stats.MeanTextPerplexity, 4);
        Assert.Equal(Math.Log(10), stats.MeanEntropy, 1e-5);
        Assert.Equal(0.1, stats.At(1), 5);
        Assert.Equal(0.3, stats.At(3), 5);
        Assert.Equal(0.5, stats.At(5), 5);
    }

    [Fact]
    public void Should_match_hand_computed_values_for_fixed_probabilities()
    {
        // Given every prediction is p = (0.1, 0.2, 0.3, 0.4) over V = 4 and the text 0 3 0 1
        using var model = FixedLogitsLM.SameRow(MathF.Log(0.1f), MathF.Log(0.2f), MathF.Log(0.3f), MathF.Log(0.4f));
        int[][] texts = [[0, 3, 0, 1]];

        // When it is scored
        var predictions = ModelScorer.Score(model, texts);
        var stats = PredictionStatistics.Aggregate(predictions);

        // Then targets 3, 0, 1 have p 0.4, 0.1, 0.2: PPL = (0.4·0.1·0.2)^(−1/3) = 5
        Assert.Equal([3, 3, 3], predictions[0].Argmax);
        Assert.Equal(5.0, stats.Perplexity, 4);
        // entropy −Σ p ln p, @1 = 0.4, @3 = 0.9, @5 = all 4 tokens = 1
        var entropy = -((0.1 * Math.Log(0.1)) + (0.2 * Math.Log(0.2)) + (0.3 * Math.Log(0.3)) + (0.4 * Math.Log(0.4)));
        Assert.Equal(entropy, stats.MeanEntropy, 5);
        Assert.Equal(0.4, stats.At(1), 5);
        Assert.Equal(0.9, stats.At(3), 5);
        Assert.Equal(1.0, stats.At(5), 5);
    }

    [Fact]
    public void Should_give_top1_mass_near_1_and_low_entropy_for_a_peaked_model()
    {
        // Given a model that puts logit 30 on the successor token, and a text of consecutive ids
        using var model = FixedLogitsLM.Successor(vocab: 8, peak: 30f);

        // When the text is scored
        var stats = PredictionStatistics.Aggregate(ModelScorer.Score(model, [[2, 3, 4, 5, 6, 7, 0]]));

        // Then @1 ≈ 1, entropy ≈ 0, PPL ≈ 1
        Assert.True(stats.At(1) > 0.999999, $"@1 = {stats.At(1)}");
        Assert.True(stats.MeanEntropy < 1e-5, $"entropy = {stats.MeanEntropy}");
        Assert.Equal(1.0, stats.Perplexity, 5);
    }

    [Fact]
    public void Should_score_only_positions_from_the_first_target()
    {
        // Given p = (0.1, 0.2, 0.3, 0.4) and the text 0 3 0 1 (targets 3, 0, 1 at indices 1, 2, 3)
        using var model = FixedLogitsLM.SameRow(MathF.Log(0.1f), MathF.Log(0.2f), MathF.Log(0.3f), MathF.Log(0.4f));
        var predictions = ModelScorer.Score(model, [[0, 3, 0, 1]]);

        // When only targets from index 2 on are aggregated
        var stats = PredictionStatistics.Aggregate(predictions, firstTarget: 2);

        // Then PPL = (0.1·0.2)^(−1/2)
        Assert.Equal(2, stats.Positions);
        Assert.Equal(Math.Pow(0.1 * 0.2, -0.5), stats.Perplexity, 4);
    }

    [Fact]
    public void Should_give_the_same_predictions_batched_with_right_padding_as_one_by_one()
    {
        // Given a tiny random Llama and texts of different lengths
        using var model = GenerationModels.TinyLlama(ScalarType.Float32);
        int[][] texts = [[1, 5, 9, 13], [1, 7, 3, 3, 8, 20, 41, 2, 9], [1, 60], [4]];

        // When scored in one padded batch and one at a time
        var batched = ModelScorer.Score(model, texts, batchSize: 4);
        var single = ModelScorer.Score(model, texts, batchSize: 1);

        // Then every text's predictions agree (the 1-token text has none)
        for (var t = 0; t < texts.Length; t++)
        {
            Assert.Equal(texts[t].Length - 1, batched[t].Count);
            Assert.Equal(single[t].Argmax, batched[t].Argmax);
            for (var i = 0; i < single[t].Count; i++)
            {
                Assert.Equal(single[t].LogProb[i], batched[t].LogProb[i], 4);
                Assert.Equal(single[t].Entropy[i], batched[t].Entropy[i], 4);
                Assert.Equal(single[t].TopMass[4][i], batched[t].TopMass[4][i], 4);
            }
        }
    }

    [Fact]
    public void Should_leave_no_tensor_behind()
    {
        // Given a tiny Llama
        using var model = GenerationModels.TinyLlama(ScalarType.Float32);
        int[][] texts = [[1, 5, 9, 13], [1, 7, 3, 3, 8], [1, 60, 2]];
        ModelScorer.Score(model, texts, batchSize: 2);

        // When texts are scored again, counting live tensors
        DisposeScopeManager.Statistics.Reset();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        ModelScorer.Score(model, texts, batchSize: 2);
        var after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        // Then the count is unchanged
        Assert.Equal(before, after);
    }

    [Fact]
    public void Should_reject_ids_outside_the_vocabulary()
    {
        // Given V = 4
        using var model = FixedLogitsLM.SameRow(new float[4]);

        // When a text holds id 4
        var e = Assert.Throws<ArgumentException>(() => ModelScorer.Score(model, [[0, 1], [0, 4]]));

        // Then the error names it
        Assert.Contains("token id 4", e.Message, StringComparison.Ordinal);
    }
}
