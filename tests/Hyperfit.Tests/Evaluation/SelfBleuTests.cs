using Hyperfit.Evaluation;

namespace Hyperfit.Tests.Evaluation;

public sealed class SelfBleuTests
{
    [Fact]
    public void Should_take_each_texts_highest_bleu_against_the_others()
    {
        // Given A = 1 2 3 4, B = 1 2 3 5, C = 6 7 8 9
        //   A vs B: p1 = 3/4, p2 = 2/3, p3 = 1/2, p4 = 0/1, BP = 1 → method1 (0.25 · 0.1)^¼ = 0.3976353643835253
        //   B vs A: the same (equal lengths, clipped counts are symmetric); C shares nothing → 0
        int[][] texts = [[1, 2, 3, 4], [1, 2, 3, 5], [6, 7, 8, 9]];

        // When
        var result = SelfBleu.Compute(texts, BleuSmoothing.Method1);

        // Then highs = (0.3976…, 0.3976…, 0), mean = 2/3 · 0.3976…, max = 0.3976…
        TestData.AssertClose(0.3976353643835253, result.Highest[0]);
        TestData.AssertClose(0.3976353643835253, result.Highest[1]);
        Assert.Equal(0.0, result.Highest[2]);
        TestData.AssertClose(2 * 0.3976353643835253 / 3, result.Summary.Mean);
        TestData.AssertClose(0.3976353643835253, result.Summary.Max);
        Assert.Equal(3, result.Summary.Count);
    }

    [Fact]
    public void Should_keep_nltks_tiny_scores_without_smoothing()
    {
        // Given the same texts without smoothing: A vs B = 0.25^¼ · min^¼ = 8.636168555094496E-78
        int[][] texts = [[1, 2, 3, 4], [1, 2, 3, 5], [6, 7, 8, 9]];

        // When
        var result = SelfBleu.Compute(texts);

        // Then
        TestData.AssertClose(8.636168555094496E-78, result.Highest[0]);
        Assert.Equal(0.0, result.Highest[2]);
    }

    [Theory]
    [InlineData(BleuSmoothing.None)]
    [InlineData(BleuSmoothing.Method1)]
    public void Should_equal_brute_force_on_random_texts(BleuSmoothing smoothing)
    {
        for (var seed = 0; seed < 150; seed++)
        {
            // Given 2..14 texts of 1..14 tokens over 2..6 token types (short texts included)
            var random = new Random(seed);
            var texts = TestData.Texts(random, random.Next(2, 15), 1, 14, random.Next(2, 7));

            // When
            var fast = SelfBleu.Compute(texts, smoothing);
            var oracle = SelfBleu.BruteForce(texts, smoothing);

            // Then
            for (var i = 0; i < texts.Length; i++)
            {
                TestData.AssertClose(oracle[i], fast.Highest[i], context: $"seed {seed} text {i}");
            }
        }
    }

    [Fact]
    public void Should_reject_fewer_than_two_texts_and_empty_texts()
    {
        // Given / When / Then
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => SelfBleu.Compute([[1, 2]])).ParamName);
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => SelfBleu.Compute([[1, 2], []])).ParamName);
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => SelfBleu.Compute([])).ParamName);
    }
}
