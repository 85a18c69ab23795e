using Hyperfit.Tests.Models;
using Hyperfit.Evaluation;

namespace Hyperfit.Tests.Evaluation;

public sealed class TopOneAgreementTests
{
    [Fact]
    public void Should_be_one_for_a_model_with_itself_and_hand_computed_for_another()
    {
        // Given model A always predicting token 3 and model B predicting the successor, over V = 4
        using var a = FixedLogitsLM.SameRow(0f, 0f, 0f, 5f);
        using var b = FixedLogitsLM.Successor(vocab: 4, peak: 5f);
        int[][] texts = [[0, 1, 2, 3], [2, 2]];
        var argA = ModelScorer.Score(a, texts).Select(p => p.Argmax).ToArray();
        var argB = ModelScorer.Score(b, texts).Select(p => p.Argmax).ToArray();

        // When the agreement matrix is computed
        var matrix = TopOneAgreement.Matrix([argA, argB]);

        // Then A = 3 3 3 | 3 and B = 1 2 3 | 3: 2 of 4 positions agree; the diagonal is 1
        Assert.Equal(1.0, matrix[0][0]);
        Assert.Equal(1.0, matrix[1][1]);
        Assert.Equal(0.5, matrix[0][1]);
        Assert.Equal(0.5, matrix[1][0]);
    }

    [Fact]
    public void Should_pool_positions_over_texts()
    {
        // Given 1 of 1 and 1 of 3 positions agreeing
        int[][] a = [[1], [1, 2, 3]];
        int[][] b = [[1], [1, 0, 0]];

        // When / Then 2 of 4
        Assert.Equal(0.5, TopOneAgreement.Compute(a, b));
    }

    [Fact]
    public void Should_reject_different_positions()
    {
        // Given texts of different lengths
        // When / Then
        Assert.Throws<ArgumentException>(() => TopOneAgreement.Compute([[1, 2]], [[1]]));
    }
}
