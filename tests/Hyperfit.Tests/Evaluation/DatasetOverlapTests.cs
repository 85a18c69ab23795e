using Hyperfit.Evaluation;

namespace Hyperfit.Tests.Evaluation;

public sealed class DatasetOverlapTests
{
    [Fact]
    public void Should_find_the_longest_shared_run_without_spanning_two_sequences()
    {
        // Given dataset sequences 1 2 3 and 4 5 (concatenated they would contain 3 4)
        int[][] dataset = [[1, 2, 3], [4, 5]];
        int[][] texts = [[2, 3, 4, 5, 6], [3, 4], [9, 9], [0, 1, 2, 3, 9]];

        // When
        var result = DatasetOverlap.Compute(texts, dataset);

        // Then "2 3" and "4 5" (2), not "3 4" across the boundary (1), nothing (0), "1 2 3" (3)
        Assert.Equal([2, 1, 0, 3], result.Longest);
        Assert.Equal(1.5, result.Summary.Mean);
        Assert.Equal(3.0, result.Summary.Max);
        Assert.Equal([1, 1, 1, 1], result.Histogram);
        Assert.Equal(0.5, result.ShareLongerThan(1));
        Assert.Equal(0.0, result.ShareLongerThan(5));
    }

    [Fact]
    public void Should_equal_brute_force_exactly_on_random_inputs()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            // Given 1..8 sequences of 1..40 tokens and texts of 1..30 tokens over 2..5 types
            var random = new Random(5000 + seed);
            var vocabulary = random.Next(2, 6);
            var dataset = TestData.Texts(random, random.Next(1, 9), 1, 40, vocabulary);
            var texts = TestData.Texts(random, random.Next(1, 8), 1, 30, vocabulary);

            // When
            var automaton = new SuffixAutomaton(dataset);
            var result = DatasetOverlap.Compute(automaton, texts);

            // Then
            for (var i = 0; i < texts.Length; i++)
            {
                Assert.Equal(DatasetOverlap.BruteForce(texts[i], dataset), result.Longest[i]);
            }

            Assert.True(automaton.StateCount <= 2 * (dataset.Sum(s => s.Length + 1) + 1));
        }
    }

    [Fact]
    public void Should_count_the_share_of_texts_overlapping_more_than_k_tokens()
    {
        // Given per-text overlaps 0, 5, 6, 12 (Table 5 counts "more than 5 tokens")
        // When
        var result = DatasetOverlap.Summarise([0, 5, 6, 12]);

        // Then two of four exceed 5; the histogram has 13 bins
        Assert.Equal(0.5, result.ShareLongerThan(5));
        Assert.Equal(13, result.Histogram.Count);
        Assert.Equal(1, result.Histogram[12]);
        Assert.Equal(5.75, result.Summary.Mean);
    }

    [Fact]
    public void Should_reject_empty_inputs_and_negative_dataset_tokens()
    {
        // Given / When / Then
        Assert.Equal("texts", Assert.Throws<ArgumentException>(() => DatasetOverlap.Compute([[1], []], [[1]])).ParamName);
        Assert.Equal("sequences", Assert.Throws<ArgumentException>(() => new SuffixAutomaton([])).ParamName);
        Assert.Equal("sequences", Assert.Throws<ArgumentException>(() => new SuffixAutomaton([[1, -2]])).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentException>(() => new SuffixAutomaton([[1]]).LongestMatch([])).ParamName);
    }
}
