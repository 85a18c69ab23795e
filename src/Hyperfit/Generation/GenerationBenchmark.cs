using System.Diagnostics;
using System.Text.Json.Nodes;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Generation;

/// <summary>Greedy generation speed of a model on random contexts: with the KV cache, recomputing the prefix
/// every step, and batched with the cache. Used by <c>hyperfit bench generate</c>.</summary>
public static class GenerationBenchmark
{
    /// <summary>Shapes of the benchmark's random models: "small" (hidden 256, 4 layers, 4 heads, 5.3M parameters) and
    /// "base" (hidden 512, 6 layers, 8 heads, 23.2M parameters: <see cref="ModelBlueprint"/>'s base preset, the
    /// shape this project pre-trains). Both are Llamas with vocabulary 4096 in float32.</summary>
    public static readonly string[] RandomSizes = ["small", "base"];

    /// <summary>config.json of a random benchmark model (see <see cref="RandomSizes"/>).</summary>
    public static JsonObject RandomLlamaConfig(string size = "small") => size switch
    {
        "small" => new()
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"), ["model_type"] = "llama", ["vocab_size"] = 4096,
            ["hidden_size"] = 256, ["intermediate_size"] = 688, ["num_hidden_layers"] = 4, ["num_attention_heads"] = 4,
            ["num_key_value_heads"] = 4, ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 10000.0, ["max_position_embeddings"] = 2048,
            ["tie_word_embeddings"] = false, ["hidden_act"] = "silu", ["torch_dtype"] = "float32",
        },
        "base" => ModelBlueprint.Preset("base", "llama", 4096).ToConfigJson(),
        _ => throw new ArgumentException($"random model size '{size}': expected {string.Join(" or ", RandomSizes)}", nameof(size)),
    };

    /// <summary>A randomly initialised model from <see cref="RandomLlamaConfig"/>, in eval mode.</summary>
    public static CausalLM RandomLlama(ModelOptions options, int seed = 0, string size = "small")
    {
        var config = ModelRegistry.ReadConfig(RandomLlamaConfig(size));
        manual_seed(seed);
        var model = ModelRegistry.Build(config, options);
        model.eval();
        return model;
    }

    /// <summary><c>hyperfit bench generate</c>: a model folder, or (<paramref name="modelDir"/> null) a random Llama of
    /// <paramref name="randomSize"/>, timed as <see cref="Run(CausalLM, int, int, int, int, bool)"/> does.</summary>
    /// <exception cref="FieldException">Context + new tokens beyond the model's positions.</exception>
    /// <returns>The runs and the model's parameter count.</returns>
    public static (IReadOnlyList<GenerationBenchmarkRun> Runs, long Parameters) Run(string? modelDir, string randomSize, ModelOptions options, int batch,
        int contextTokens, int newTokens, bool cachedOnly = false)
    {
        using var model = modelDir is null ? RandomLlama(options, size: randomSize) : Checkpoints.HfModelLoader.Load(modelDir, options);
        model.eval();
        if (contextTokens + newTokens > model.Config.MaxPositions)
        {
            throw new FieldException(Fields.MaxNewTokens, $"context tokens + new tokens = {contextTokens + newTokens} exceeds the model's max positions ({model.Config.MaxPositions})");
        }

        return (Run(model, batch, contextTokens, newTokens, cachedOnly: cachedOnly), model.parameters().Sum(p => p.numel()));
    }

    /// <summary>Times greedy generation of <paramref name="newTokens"/> tokens after random contexts: "kv-cache" (one
    /// row), "no-cache" (one row, the prefix recomputed every step), "kv-cache-batched" (<paramref name="batch"/> rows)
    /// and, where the model has a decode kernel, the cached runs again through the module graph.</summary>
    /// <param name="cachedOnly">Only "kv-cache" and "kv-cache-batched" (the runs compared with other toolkits).</param>
    public static IReadOnlyList<GenerationBenchmarkRun> Run(CausalLM model, int batch, int contextTokens, int newTokens, int seed = 0,
        bool cachedOnly = false)
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
        if (cachedOnly)
        {
            return [Time("kv-cache", model, cached, contexts[..1], newTokens), Time("kv-cache-batched", model, cached, contexts, newTokens)];
        }

        uncached.Generate(contexts[..1]);
        List<GenerationBenchmarkRun> runs =
        [
            Time("kv-cache", model, cached, contexts[..1], newTokens),
            Time("no-cache", model, uncached, contexts[..1], newTokens),
            Time("kv-cache-batched", model, cached, contexts, newTokens),
        ];
        if (model.DecodeKernel && model.DecodeKernelAvailable)
        {
            // The same cached runs through the module graph (libtorch for every op), to show what the kernel adds.
            model.DecodeKernel = false;
            try
            {
                cached.Generate(contexts[..1]);
                runs.Add(Time("kv-cache-graph", model, cached, contexts[..1], newTokens));
                runs.Add(Time("kv-cache-batched-graph", model, cached, contexts, newTokens));
            }
            finally
            {
                model.DecodeKernel = true;
            }
        }

        return runs;
    }

    private static GenerationBenchmarkRun Time(string name, CausalLM model, TextGenerator generator, IReadOnlyList<int>[] contexts, int newTokens)
    {
        var kernelSteps = model.DecodeKernelSteps;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        generator.Generate(contexts);
        if (cuda.is_available())
        {
            cuda.synchronize();
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        // The path the steps took, checked by the steps the kernel actually ran (not only by what was asked for).
        var path = model.DecodeKernelSteps > kernelSteps ? model.DecodeKernelPath
            : !generator.UseCache ? "module graph (no cache)"
            : model.DecodeKernelPath.StartsWith("module graph", StringComparison.Ordinal) ? model.DecodeKernelPath
            : "module graph";
        return new GenerationBenchmarkRun(name, contexts.Length, newTokens, seconds, cpuSeconds, path);
    }
}
