namespace Hyperfit.Tests.Evaluation;

/// <summary>Seeded random token sequences over small vocabularies (so that n-gram matches actually happen).</summary>
internal static class TestData
{
    public static int[] Tokens(Random random, int minLength, int maxLength, int vocabulary)
    {
        var tokens = new int[random.Next(minLength, maxLength + 1)];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = random.Next(vocabulary);
        }

        return tokens;
    }

    public static int[][] Texts(Random random, int count, int minLength, int maxLength, int vocabulary) =>
        Enumerable.Range(0, count).Select(_ => Tokens(random, minLength, maxLength, vocabulary)).ToArray();

    /// <summary>Relative equality: |a − b| ≤ tolerance · max(|a|, |b|) (the scores span 1e-231 … 1).</summary>
    public static void AssertClose(double expected, double actual, double tolerance = 1e-12, string? context = null)
    {
        var scale = Math.Max(Math.Abs(expected), Math.Abs(actual));
        Assert.True(Math.Abs(expected - actual) <= tolerance * scale,
            $"expected {expected:R}, got {actual:R} {context}");
    }
}
