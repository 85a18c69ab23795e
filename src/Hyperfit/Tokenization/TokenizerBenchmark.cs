using System.Diagnostics;
using System.Text;

namespace Hyperfit.Tokenization;

/// <summary>Encoding speed of a tokenizer on real text, in MB of UTF-8 input per second on the calling thread
/// (what <c>hyperfit bench tokenize</c> reports; the reference figure is the Rust tokenizers' batch encode on one
/// thread, docs/tokenizers.md). The texts are encoded once untimed (warms caches and the JIT), then repeatedly
/// until <paramref name="minSeconds"/> have passed; the best pass counts.</summary>
public static class TokenizerBenchmark
{
    public static TokenizerBenchmarkResult Run(HfTokenizer tokenizer, IReadOnlyList<string> texts, double minSeconds = 3, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("no texts to encode", nameof(texts));
        }

        var bytes = texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
        long tokens = 0;
        foreach (var t in texts)
        {
            tokens += tokenizer.Encode(t, addSpecialTokens: false).Count;
        }

        var best = double.MaxValue;
        var passes = 0;
        var total = Stopwatch.StartNew();
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pass = Stopwatch.StartNew();
            foreach (var t in texts)
            {
                tokenizer.Encode(t, addSpecialTokens: false);
            }

            best = Math.Min(best, pass.Elapsed.TotalSeconds);
            passes++;
        }
        while (total.Elapsed.TotalSeconds < minSeconds);

        return new TokenizerBenchmarkResult(tokenizer.Kind, texts.Count, bytes, tokens, best, passes);
    }
}

/// <summary>One tokenizer's encoding speed: the best of <paramref name="Passes"/> passes over the texts.</summary>
public sealed record TokenizerBenchmarkResult(string Kind, int Texts, long Bytes, long Tokens, double BestSeconds, int Passes)
{
    public double MegabytesPerSecond => Bytes / 1e6 / BestSeconds;

    public double TokensPerSecond => Tokens / BestSeconds;
}
