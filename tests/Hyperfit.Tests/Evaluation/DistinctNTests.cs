using Hyperfit.Evaluation;

namespace Hyperfit.Tests.Evaluation;

public sealed class DistinctNTests
{
    [Fact]
    public void Should_count_unique_over_total_ngrams_per_text()
    {
        // Given 1 2 1 2 1
        //   unigrams 5, unique {1, 2} → 2/5; bigrams 12 21 12 21 → unique 2 of 4 = 1/2;
        //   trigrams 121 212 121 → 2/3; 4-grams 1212 2121 → 2/2 = 1
        int[] text = [1, 2, 1, 2, 1];

        // When / Then
        Assert.Equal(2.0 / 5, DistinctN.Compute(text, 1));
        Assert.Equal(0.5, DistinctN.Compute(text, 2));
        Assert.Equal(2.0 / 3, DistinctN.Compute(text, 3));
        Assert.Equal(1.0, DistinctN.Compute(text, 4));

        // And rep-n = 1 − distinct-n: 3/5, 1/2, 1/3, 0
        Assert.Equal(1 - (2.0 / 5), RepetitionRate.Compute(text, 1));
        Assert.Equal(0.5, RepetitionRate.Compute(text, 2));
        Assert.Equal(1 - (2.0 / 3), RepetitionRate.Compute(text, 3));
        Assert.Equal(0.0, RepetitionRate.Compute(text, 4));
    }

    [Fact]
    public void Should_pool_ngrams_across_texts_for_corpus_level_distinct_n()
    {
        // Given 1 2 3 and 2 3 4: bigrams 12 23 | 23 34 → 3 unique of 4 (none spans the two texts)
        int[][] texts = [[1, 2, 3], [2, 3, 4]];

        // When / Then
        Assert.Equal(0.75, DistinctN.Corpus(texts, 2));
        Assert.Equal(4.0 / 6, DistinctN.Corpus(texts, 1));
        Assert.Equal(0.0, RepetitionRate.Mean(texts, 2));
    }

    [Fact]
    public void Should_define_zero_for_texts_shorter_than_n_and_reject_empty_text()
    {
        // Given a 2-token text has no trigram → 0 / 0 defined as 0
        // When / Then
        Assert.Equal(0.0, DistinctN.Compute([1, 2], 3));
        Assert.Equal(0.0, RepetitionRate.Compute([1, 2], 3));
        Assert.Equal("text", Assert.Throws<ArgumentException>(() => DistinctN.Compute([], 1)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => DistinctN.Compute([1], 5));
    }
}
