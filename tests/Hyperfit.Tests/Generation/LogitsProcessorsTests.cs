using Hyperfit.Generation;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Generation;

public sealed class LogitsProcessorsTests
{
    private static Tensor Row(params float[] values) => tensor(values, [1, values.Length]);

    private static bool[] Kept(Tensor logits) => logits.isfinite()[0].data<bool>().ToArray();

    [Theory]
    [InlineData(0.75, 2)]
    [InlineData(0.5, 1)]
    [InlineData(0.81, 3)]
    [InlineData(0.01, 1)]
    [InlineData(1.0, 4)]
    public void Should_keep_the_smallest_set_reaching_top_p(double p, int expectedKept)
    {
        // Given probabilities [0.5, 0.3, 0.1, 0.1] in shuffled order
        using var logits = Row(MathF.Log(0.1f), MathF.Log(0.5f), MathF.Log(0.1f), MathF.Log(0.3f));

        // When top-p filters them
        using var filtered = LogitsProcessors.TopP(logits, p);

        // Then exactly the most probable tokens reaching p survive
        var kept = Kept(filtered);
        Assert.Equal(expectedKept, kept.Count(k => k));
        Assert.True(kept[1]);
        if (expectedKept >= 2)
        {
            Assert.True(kept[3]);
        }
    }

    [Fact]
    public void Should_keep_the_k_largest_logits_with_top_k()
    {
        // Given four logits
        using var logits = Row(1f, 4f, 2f, 3f);

        // When top-k keeps 2 (and 0 keeps all)
        using var filtered = LogitsProcessors.TopK(logits, 2);
        using var all = LogitsProcessors.TopK(logits, 0);

        // Then the two largest remain, unchanged
        Assert.Equal([false, true, false, true], Kept(filtered));
        Assert.Equal([1f, 4f, 2f, 3f], all[0].data<float>().ToArray());
        Assert.Equal(4f, filtered[0, 1].item<float>());
    }

    [Fact]
    public void Should_divide_logits_by_the_temperature()
    {
        // Given logits [2, 4]
        using var logits = Row(2f, 4f);

        // When the temperature is 2
        using var scaled = LogitsProcessors.Temperature(logits, 2.0);

        // Then they are halved and the input is untouched
        Assert.Equal([1f, 2f], scaled[0].data<float>().ToArray());
        Assert.Equal([2f, 4f], logits[0].data<float>().ToArray());
    }

    [Fact]
    public void Should_penalise_seen_tokens_with_hugging_face_semantics()
    {
        // Given logits [2, -2, 1, 3] and a history containing tokens 0 (twice) and 1
        using var logits = Row(2f, -2f, 1f, 3f);
        using var history = tensor(new long[] { 0, 1, 0 }, [1, 3]);

        // When the repetition penalty is 2
        using var penalised = LogitsProcessors.RepetitionPenalty(logits, history, 2.0);

        // Then the positive seen logit is halved (once), the negative one doubled, unseen ones unchanged
        Assert.Equal([1f, -4f, 1f, 3f], penalised[0].data<float>().ToArray());
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 1, 2 }, 3, new[] { 3 })]
    [InlineData(new[] { 1, 2, 3, 1, 2 }, 2, new[] { 3 })]
    [InlineData(new[] { 1, 2, 3, 4, 2 }, 2, new[] { 3 })]
    [InlineData(new[] { 1, 2, 3, 4 }, 3, new int[0])]
    [InlineData(new[] { 5, 5, 5 }, 2, new[] { 5, 5 })]
    [InlineData(new[] { 1, 2 }, 4, new int[0])]
    [InlineData(new[] { 7, 8, 7 }, 1, new[] { 7, 8, 7 })]
    public void Should_ban_tokens_that_would_repeat_an_ngram(int[] history, int n, int[] expected)
    {
        // Given a history and an n-gram size
        // When the banned next tokens are computed
        var banned = LogitsProcessors.NoRepeatNgramBannedTokens(history, n);

        // Then they are exactly the tokens that followed earlier occurrences of the last n − 1 tokens
        Assert.Equal(expected, banned);
    }

    [Fact]
    public void Should_set_banned_pairs_to_minus_infinity()
    {
        // Given a (2, 3) batch of logits
        using var logits = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);

        // When (0, 2) and (1, 0) are banned
        using var banned = LogitsProcessors.Ban(logits, [(0, 2), (1, 0)]);

        // Then only those entries become −∞
        Assert.Equal([1f, 2f, float.NegativeInfinity, float.NegativeInfinity, 5f, 6f], banned.data<float>().ToArray());
    }
}
