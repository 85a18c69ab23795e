using Hyperfit.Evaluation;

namespace Hyperfit.Tests.Evaluation;

public sealed class DatasetBleuTests
{
    [Fact]
    public void Should_find_the_best_window_of_the_dataset()
    {
        // Given dataset 1 2 3 4 5 6 with 4-token windows: [1 2 3 4], [2 3 4 5], [3 4 5 6]
        //   hyp 2 3 4 5 equals window 2 → 1
        //   hyp 9 3 4 5 vs [2 3 4 5]: p1 = 3/4, p2 = 2/3 (34 45), p3 = 1/2 (345), p4 = 0/1, BP = 1
        //     → method1 (0.25 · 0.1)^¼ = 0.3976353643835253 ([3 4 5 6] gives the same, the others less)
        int[][] dataset = [[1, 2, 3, 4, 5, 6]];
        int[][] texts = [[2, 3, 4, 5], [9, 3, 4, 5]];

        // When
        var result = DatasetBleu.Compute(texts, dataset, windowLength: 4, BleuSmoothing.Method1);

        // Then
        Assert.Equal(1.0, result.Highest[0]);
        TestData.AssertClose(0.3976353643835253, result.Highest[1]);
        TestData.AssertClose((1 + 0.3976353643835253) / 2, result.Summary.Mean);
        Assert.Equal(1.0, result.Summary.Max);
    }

    [Fact]
    public void Should_use_a_sequence_shorter_than_the_window_as_one_whole_window()
    {
        // Given a 2-token dataset sequence and a 4-token window: one window [1 2]
        //   hyp 1 2: p1 = 2/2, p2 = 1/1, p3 = 0/max(1, 0) = 0/1, p4 = 0/1, c = r = 2 → BP = 1
        //   method1: (1 · 1 · 0.1 · 0.1)^¼ = 0.31622776601683794
        int[][] dataset = [[1, 2]];

        // When
        var result = DatasetBleu.Compute([[1, 2]], dataset, windowLength: 4, BleuSmoothing.Method1);

        // Then
        TestData.AssertClose(0.31622776601683794, result.Highest[0]);
    }

    [Theory]
    [InlineData(BleuSmoothing.None)]
    [InlineData(BleuSmoothing.Method1)]
    public void Should_equal_brute_force_on_random_inputs(BleuSmoothing smoothing)
    {
        for (var seed = 0; seed < 150; seed++)
        {
            // Given 1..6 dataset sequences of 1..30 tokens, windows of 1..10, 1..6 texts of 1..12 tokens, 2..6 types
            var random = new Random(1000 + seed);
            var vocabulary = random.Next(2, 7);
            var dataset = TestData.Texts(random, random.Next(1, 7), 1, 30, vocabulary);
            var texts = TestData.Texts(random, random.Next(1, 7), 1, 12, vocabulary);
            var window = random.Next(1, 11);

            // When
            var fast = DatasetBleu.Compute(texts, dataset, window, smoothing);
            var oracle = DatasetBleu.BruteForce(texts, dataset, window, smoothing);

            // Then
            for (var i = 0; i < texts.Length; i++)
            {
                TestData.AssertClose(oracle[i], fast.Highest[i], context: $"seed {seed} text {i}");
            }
        }
    }

    [Fact]
    public void Should_equal_brute_force_where_method1_windows_without_a_shared_4gram_compete()
    {
        // Given medium vocabularies and longer windows: with method1 a window sharing no 4-gram can score up to
        // (0.1/d4)^¼ ≈ 0.3, so the level-wise search must go on past the 4-gram level (a loose stop would show here)
        // (a dataset of thousands of windows, so that 4-gram and 3-gram occurrences are sparse and the bound decides)
        for (var seed = 0; seed < 8; seed++)
        {
            var random = new Random(9000 + seed);
            var vocabulary = random.Next(8, 13);
            var dataset = TestData.Texts(random, 20, 150, 250, vocabulary);
            var texts = TestData.Texts(random, 4, 16, 20, vocabulary);
            var window = random.Next(16, 21);

            // When
            var fast = DatasetBleu.Compute(texts, dataset, window, BleuSmoothing.Method1);
            var oracle = DatasetBleu.BruteForce(texts, dataset, window, BleuSmoothing.Method1);

            // Then
            for (var i = 0; i < texts.Length; i++)
            {
                TestData.AssertClose(oracle[i], fast.Highest[i], context: $"seed {seed} text {i}");
            }
        }
    }

    [Fact]
    public void Should_equal_brute_force_on_a_larger_sparse_dataset_where_pruning_stops_early()
    {
        // Given a larger vocabulary, so most texts share few 4-grams with the dataset and the search prunes early
        var random = new Random(99);
        var dataset = TestData.Texts(random, 20, 20, 60, 12);
        var texts = TestData.Texts(random, 15, 10, 20, 12);
        texts[0] = dataset[3][5..25]; // one verbatim citation

        // When / Then
        foreach (var smoothing in new[] { BleuSmoothing.None, BleuSmoothing.Method1 })
        {
            var fast = DatasetBleu.Compute(texts, dataset, 16, smoothing);
            var oracle = DatasetBleu.BruteForce(texts, dataset, 16, smoothing);
            for (var i = 0; i < texts.Length; i++)
            {
                TestData.AssertClose(oracle[i], fast.Highest[i], context: $"{smoothing} text {i}");
            }
        }
    }

    [Fact]
    public void Should_reject_empty_texts_and_datasets()
    {
        // Given / When / Then
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => DatasetBleu.Compute([[]], [[1]])).ParamName);
        Assert.Equal("dataset", Assert.Throws<ArgumentException>(() => DatasetBleu.Compute([[1]], [])).ParamName);
        Assert.Equal("dataset", Assert.Throws<ArgumentException>(() => DatasetBleu.Compute([[1]], [[1], []])).ParamName);
    }
}
