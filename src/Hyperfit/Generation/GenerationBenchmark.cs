using System.Diagnostics;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Generation;

/// <summary>Greedy generation speed of a model on random contexts: with the KV cache, recomputing the prefix
/// every step, and batched with the cache. Used by <c>hyperfit bench generate</c>.</summary>
public static class GenerationBenchmark
{
    public static IReadOnlyList<GenerationBenchmarkRun> Run(CausalLM model, int batch, int contextTokens, int newTokens, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(newTokens, 1);
        var random = new Random(seed);
        var vocab = model.Config.VocabSize;
        var contexts = Enumerable.Range(0, batch)
            .Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, contextTokens).Select(_ => random.Next(vocab)).ToArray())
            .ToArray();
        var config = new GenerationConfig { MaxNewTokens = newTokens };
        var cached = new TextGenerator(model, config);
        var uncached = new TextGenerator(model, config) { UseCache = false };

        // Warm-up: first calls pay for kernel selection and allocator growth.
        cached.Generate(contexts[..1]);
        uncached.Generate(contexts[..1]);

        return
        [
            Time("kv-cache", cached, contexts[..1], newTokens),
            Time("no-cache", uncached, contexts[..1], newTokens),
            Time("kv-cache-batched", cached, contexts, newTokens),
        ];
    }

    private static GenerationBenchmarkRun Time(string name, TextGenerator generator, IReadOnlyList<int>[] contexts, int newTokens)
    {
        var watch = Stopwatch.StartNew();
        generator.Generate(contexts);
        if (cuda.is_available())
        {
            cuda.synchronize();
        }

        return new GenerationBenchmarkRun(name, contexts.Length, newTokens, watch.Elapsed.TotalSeconds);
    }
}
