using Hyperfit.Evaluation;

namespace Hyperfit.Tests.Evaluation;

public sealed class BleuTests
{
    [Fact]
    public void Should_match_hand_computed_bleu_with_brevity_penalty()
    {
        // Given hyp = 1 2 3 4 5 1 2 (c = 7) and ref = 1 2 3 4 1 2 6 7 (r = 8)
        //   unigrams: hyp {1:2, 2:2, 3:1, 4:1, 5:1}, clipped 2+2+1+1+0 = 6 of 7
        //   bigrams : hyp {12:2, 23, 34, 45, 51}, ref {12:2, 23, 34, 41, 26, 67}: clipped 2+1+1 = 4 of 6
        //   trigrams: hyp 123 234 345 451 512, ref 123 234 341 412 126 267: 2 of 5
        //   4-grams : hyp 1234 2345 3451 4512, ref 1234 2341 3412 4126 1267: 1 of 4
        //   BP = exp(1 − 8/7) = exp(−1/7)
        //   BLEU = exp(−1/7) · (6/7 · 4/6 · 2/5 · 1/4)^¼ = exp(−1/7) · (2/35)^¼ = 0.4238365628278779
        //   (nltk formula: bp * exp(fsum(0.25 * log(p_i))) evaluated in Python gives 0.4238365628278779)
        int[] hypothesis = [1, 2, 3, 4, 5, 1, 2];
        int[] reference = [1, 2, 3, 4, 1, 2, 6, 7];

        // When
        var none = Bleu.Sentence(reference, hypothesis);
        var method1 = Bleu.Sentence(reference, hypothesis, BleuSmoothing.Method1);

        // Then (no zero precision, so both smoothings agree)
        TestData.AssertClose(0.4238365628278779, none);
        TestData.AssertClose(Math.Exp(-1.0 / 7) * Math.Pow(2.0 / 35, 0.25), none);
        Assert.Equal(none, method1);
    }

    [Fact]
    public void Should_give_tiny_positive_score_without_smoothing_and_epsilon_with_method1()
    {
        // Given hyp = 1 2 3 9, ref = 1 2 3 4 (c = r = 4, BP = exp(0) = 1)
        //   p1 = 3/4, p2 = 2/3 (12, 23 of 12 23 39), p3 = 1/2 (123 of 123 239), p4 = 0/1
        //   method0: p4 → sys.float_info.min = 2.2250738585072014E-308:
        //            (3/4 · 2/3 · 1/2)^¼ · min^¼ = 0.25^¼ · 1.2213e-77 = 8.636168555094496E-78
        //   method1: p4 → 0.1 / 1: (0.25 · 0.1)^¼ = 0.3976353643835253
        int[] hypothesis = [1, 2, 3, 9];
        int[] reference = [1, 2, 3, 4];

        // When
        var none = Bleu.Sentence(reference, hypothesis);
        var method1 = Bleu.Sentence(reference, hypothesis, BleuSmoothing.Method1);

        // Then
        TestData.AssertClose(8.636168555094496E-78, none);
        Assert.True(none > 0);
        TestData.AssertClose(0.3976353643835253, method1);
    }

    [Fact]
    public void Should_clip_counts_and_smooth_with_the_hypothesis_ngram_count()
    {
        // Given hyp = 7 7 7 7, ref = 7 7 (c = 4 > r = 2, BP = 1)
        //   p1 = min(4, 2)/4 = 2/4; p2 = min(3, 1)/3 = 1/3; p3 = 0/2; p4 = 0/1
        //   method1: p3 = 0.1/2, p4 = 0.1/1 → (1/2 · 1/3 · 0.05 · 0.1)^¼ = 0.16990442448471224
        //   method0: (1/2 · 1/3)^¼ · min^½ = 9.53091075863908E-155
        int[] hypothesis = [7, 7, 7, 7];
        int[] reference = [7, 7];

        // When / Then
        TestData.AssertClose(0.16990442448471224, Bleu.Sentence(reference, hypothesis, BleuSmoothing.Method1));
        TestData.AssertClose(9.53091075863908E-155, Bleu.Sentence(reference, hypothesis));
    }

    [Fact]
    public void Should_take_max_reference_counts_and_the_shorter_of_equally_close_reference_lengths()
    {
        // Given hyp = 1 2 3 4 5 (c = 5), refs 1 2 3 4 (len 4) and 9 9 3 4 5 6 (len 6)
        //   max counts over refs: unigrams 5/5, bigrams 12 23 34 (ref 1) + 45 (ref 2) = 4/4,
        //   trigrams 123 234 (ref 1) + 345 (ref 2) = 3/3, 4-grams 1234 (ref 1) of 1234 2345 = 1/2
        //   closest length: |4−5| = |6−5| = 1, tie → 4 (nltk keys on (|r − c|, r)); c > r so BP = 1
        //   BLEU = (1/2)^¼ = 0.8408964152537145 (with r = 6 it would be exp(−0.2) times that)
        int[] hypothesis = [1, 2, 3, 4, 5];
        int[][] references = [[1, 2, 3, 4], [9, 9, 3, 4, 5, 6]];

        // When
        var score = Bleu.Sentence(references, hypothesis);

        // Then
        TestData.AssertClose(0.8408964152537145, score);
        Assert.Equal(4, Bleu.ClosestReferenceLength([4, 6], 5));
    }

    [Fact]
    public void Should_return_exactly_zero_without_any_unigram_match()
    {
        // Given no shared token; nltk returns 0 before any smoothing
        // When / Then
        Assert.Equal(0.0, Bleu.Sentence([1, 2], [5, 6]));
        Assert.Equal(0.0, Bleu.Sentence([1, 2], [5, 6], BleuSmoothing.Method1));
    }

    [Fact]
    public void Should_score_identical_texts_one_and_short_texts_with_smoothed_higher_orders()
    {
        // Given identical texts of 4+ tokens → every p_n = 1, BP = 1 → 1
        // And hyp = ref = 1 2 (c = r = 2): p1 = 1, p2 = 1, p3 = 0/max(1, 0), p4 = 0/1 → method1 (0.1 · 0.1)^¼
        // When / Then
        Assert.Equal(1.0, Bleu.Sentence([4, 5, 6, 7, 8], [4, 5, 6, 7, 8]));
        TestData.AssertClose(Math.Pow(0.01, 0.25), Bleu.Sentence([1, 2], [1, 2], BleuSmoothing.Method1));
    }

    [Fact]
    public void Should_reject_an_empty_hypothesis_and_missing_references()
    {
        // Given / When / Then
        var empty = Assert.Throws<ArgumentException>(() => Bleu.Sentence([1, 2], ReadOnlySpan<int>.Empty));
        Assert.Equal("hypothesis", empty.ParamName);
        var none = Assert.Throws<ArgumentException>(() => Bleu.Sentence(Array.Empty<int[]>(), [1]));
        Assert.Equal("references", none.ParamName);
    }

    [Fact]
    public void Should_compute_the_nltk_brevity_penalty()
    {
        // Given c > r → 1; c = 0 → 0; else exp(1 − r/c)
        // When / Then
        Assert.Equal(1.0, Bleu.BrevityPenalty(3, 4));
        Assert.Equal(0.0, Bleu.BrevityPenalty(3, 0));
        Assert.Equal(Math.Exp(1 - (6.0 / 4)), Bleu.BrevityPenalty(6, 4));
    }

    [Fact]
    public void Should_agree_between_count_based_and_direct_scoring_on_random_pairs()
    {
        // Given random pairs over a 4-token vocabulary
        var random = new Random(7);
        var matches = new int[4];
        for (var trial = 0; trial < 300; trial++)
        {
            var hypothesis = TestData.Tokens(random, 1, 10, 4);
            var reference = TestData.Tokens(random, 1, 10, 4);
            for (var n = 1; n <= 4; n++)
            {
                var h = CountNGrams(hypothesis, n);
                var r = CountNGrams(reference, n);
                matches[n - 1] = h.Sum(kv => Math.Min(kv.Value, r.GetValueOrDefault(kv.Key)));
            }

            // When
            foreach (var smoothing in new[] { BleuSmoothing.None, BleuSmoothing.Method1 })
            {
                var direct = Bleu.Sentence(reference, hypothesis, smoothing);
                var fromCounts = Bleu.FromCounts(matches, hypothesis.Length, reference.Length, smoothing);

                // Then
                Assert.Equal(direct, fromCounts);
            }
        }
    }

    private static Dictionary<string, int> CountNGrams(int[] tokens, int n)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i + n <= tokens.Length; i++)
        {
            var key = string.Join(',', tokens[i..(i + n)]);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }
}
