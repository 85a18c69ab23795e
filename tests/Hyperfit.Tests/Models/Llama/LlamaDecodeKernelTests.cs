using System.Text.Json.Nodes;
using Hyperfit.Generation;
using Hyperfit.Models;
using Hyperfit.Models.Cpu;
using Hyperfit.Models.Llama;
using Hyperfit.Tests.Models;
using Hyperfit.Tests.Models.Cpu;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models.Llama;

/// <summary>The CPU decode kernel against the module graph it replaces for one-token cached steps.</summary>
public sealed class LlamaDecodeKernelTests
{
    public static IEnumerable<object[]> LlamaFamilies() =>
    [
        ["llama", TinyConfigs.Llama()],
        ["llama-gqa-tied-llama3", TinyConfigs.LlamaGqaTiedLlama3()],
        ["qwen2", TinyConfigs.Qwen2()],
    ];

    // Every family at every vector width this processor runs natively (the hardware's own among them).
    public static IEnumerable<object[]> LlamaFamiliesAtEveryWidth() =>
        CpuKernelsTests.AcceleratedWidths().SelectMany(bits => LlamaFamilies().Select(f => f.Append(bits).ToArray()));

    private static readonly int[] BatchRows = [6, 8, 13];

    public static IEnumerable<object[]> BatchesAtEveryWidth() =>
        CpuKernelsTests.AcceleratedWidths().SelectMany(bits => BatchRows.Select(rows => new object[] { rows, bits }));

    private static LlamaForCausalLM Build(JsonObject config, int seed, ScalarType dtype = ScalarType.Float32)
    {
        var model = (LlamaForCausalLM)ModelRegistry.Build(ModelRegistry.ReadConfig(config), new ModelOptions(dtype));
        SeededWeights.Fill(model, seed, perturbation: 0.1); // norms away from 1, biases away from 0: every weight matters

        model.eval();
        return model;
    }

    // Prefill `prefill` positions, then one token per step through the cache; returns the steps' logits (B, steps, V).
    private static Tensor Decode(LlamaForCausalLM model, long[,] ids, long[,]? mask, int prefill)
    {
        var (rows, total) = (ids.GetLength(0), ids.GetLength(1));
        using var idTensor = tensor(ids.Cast<long>().ToArray(), [rows, total]);
        using var maskTensor = mask is null ? null : tensor(mask.Cast<long>().ToArray(), [rows, total]);
        using var cache = model.CreateKvCache(capacity: 2); // small, so the cache grows during kernel steps
        using var noGrad = no_grad();
        var steps = new List<Tensor>();
        model.forward(new CausalLMInput(idTensor.narrow(1, 0, prefill), maskTensor?.narrow(1, 0, prefill), Cache: cache)).Dispose();
        for (var t = prefill; t < total; t++)
        {
            // As TextGenerator passes them: narrowed (non-contiguous) views of the whole ids and mask.
            steps.Add(model.forward(new CausalLMInput(idTensor.narrow(1, t, 1), maskTensor?.narrow(1, 0, t + 1), Cache: cache)));
        }

        Assert.Equal(total, cache.Length);
        var result = cat(steps, 1);
        steps.ForEach(s => s.Dispose());
        return result;
    }

    // The same decoding through the module graph (kernel off) and through the kernel (inside the inference layout).
    private static (Tensor Expected, Tensor Actual) DecodeBothWays(LlamaForCausalLM model, long[,] ids, long[,]? mask, int prefill,
        int? bits = null)
    {
        model.DecodeKernel = false;
        var expected = Decode(model, ids, mask, prefill);
        model.DecodeKernel = true;
        model.DecodeKernelWidth = (SimdWidth?)bits;
        using (model.UseInferenceLayout())
        {
            return (expected, Decode(model, ids, mask, prefill));
        }
    }

    [Theory]
    [MemberData(nameof(LlamaFamiliesAtEveryWidth))]
    public void Should_give_the_logits_of_the_module_graph_for_every_cached_step(string family, JsonObject config, int bits)
    {
        // Given a float32 model and a 12-token sequence
        using var model = Build(config, seed: 11);
        var ids = new long[,] { { 4, 8, 15, 16, 23, 42, 7, 1, 30, 11, 2, 19 } };

        // When the last 7 tokens are decoded one at a time with the module graph, and with the kernel
        var (expected, actual) = DecodeBothWays(model, ids, null, prefill: 5, bits);

        // Then the kernel ran every step and the logits agree to float32 summation order
        Assert.Equal(7, model.DecodeKernelSteps);
        Assert.StartsWith($"decode kernel, {bits}-bit vectors, ", model.DecodeKernelPath);
        var diff = (actual - expected).abs().max().item<float>();
        Assert.True(diff <= 2e-5, $"{family}, {bits} bits: max |diff| = {diff}");
        expected.Dispose();
        actual.Dispose();
    }

    [Theory]
    [MemberData(nameof(LlamaFamilies))]
    public void Should_match_the_module_graph_for_left_padded_rows(string family, JsonObject config)
    {
        // Given three rows with 0, 2 and 4 left pads (pads repeat a token, the mask hides them)
        using var model = Build(config, seed: 5);
        var ids = new long[,]
        {
            { 3, 9, 27, 81, 43, 10, 6, 12, 5, 17 },
            { 12, 12, 24, 48, 5, 60, 33, 2, 8, 40 },
            { 7, 7, 7, 7, 1, 2, 3, 4, 5, 6 },
        };
        var mask = new long[,]
        {
            { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
            { 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 },
            { 0, 0, 0, 0, 1, 1, 1, 1, 1, 1 },
        };

        // When six steps after a 4-position prefill run with the module graph and with the kernel
        var (expected, actual) = DecodeBothWays(model, ids, mask, prefill: 4);

        // Then every row agrees (positions from the mask, pads invisible) and nothing is NaN
        Assert.Equal(6, model.DecodeKernelSteps);
        Assert.False(actual.isnan().any().item<bool>());
        var diff = (actual - expected).abs().max().item<float>();
        Assert.True(diff <= 2e-5, $"{family}: max |diff| = {diff}");
        expected.Dispose();
        actual.Dispose();
    }

    [Theory]
    [MemberData(nameof(BatchesAtEveryWidth))] // 6 rows: one block, two rows alias the last real one; 8: one full block
    public void Should_match_the_module_graph_for_batches_of_up_to_sixteen_rows(int rows, int bits) // 13: 8, then 5
    {
        // Given a GQA model with a tied head and `rows` random rows, every other one left-padded by 3
        using var model = Build(TinyConfigs.LlamaGqaTiedLlama3(), seed: 3);
        var random = new Random(rows);
        var ids = new long[rows, 9];
        var mask = new long[rows, 9];
        for (var r = 0; r < rows; r++)
        {
            for (var t = 0; t < 9; t++)
            {
                ids[r, t] = random.Next(97);
                mask[r, t] = r % 2 == 1 && t < 3 ? 0 : 1;
            }
        }

        // When five steps after a 4-position prefill run with the module graph and with the kernel
        var (expected, actual) = DecodeBothWays(model, ids, mask, prefill: 4, bits);

        // Then the kernel ran every step and every row agrees
        Assert.Equal(5, model.DecodeKernelSteps);
        var diff = (actual - expected).abs().max().item<float>();
        Assert.True(diff <= 2e-5, $"{rows} rows, {bits} bits: max |diff| = {diff}");
        expected.Dispose();
        actual.Dispose();
    }

    [Fact]
    public void Should_give_bit_identical_logits_on_any_number_of_threads()
    {
        // Given a GQA model with a tied head and 13 rows, every other one left-padded
        using var model = Build(TinyConfigs.LlamaGqaTiedLlama3(), seed: 5);
        var random = new Random(13);
        var ids = new long[13, 9];
        var mask = new long[13, 9];
        for (var r = 0; r < 13; r++)
        {
            for (var t = 0; t < 9; t++)
            {
                ids[r, t] = random.Next(97);
                mask[r, t] = r % 2 == 1 && t < 3 ? 0 : 1;
            }
        }

        // When the same steps run through kernels of 1, 2 and 3 threads
        var logits = new List<Tensor>();
        foreach (var threads in new[] { 1, 2, 3 })
        {
            model.DecodeKernelThreads = threads;
            using (model.UseInferenceLayout())
            {
                logits.Add(Decode(model, ids, mask, prefill: 4));
            }

            Assert.EndsWith($", {threads} threads", model.DecodeKernelPath);
        }

        // Then every step ran on the kernel and the logits are equal bit for bit: which thread computes a slice of a
        // product or a head's attention never changes its summation order
        Assert.Equal(15, model.DecodeKernelSteps);
        Assert.True(logits[0].eq(logits[1]).all().item<bool>(), "2 threads differ from 1");
        Assert.True(logits[0].eq(logits[2]).all().item<bool>(), "3 threads differ from 1");
        logits.ForEach(l => l.Dispose());
    }

    [Fact]
    public void Should_use_explicit_position_ids_when_given()
    {
        // Given a model whose cache holds 4 positions
        using var model = Build(TinyConfigs.Llama(), seed: 9);
        using var prefix = tensor(new long[] { 5, 6, 7, 8 }, [1, 4]);
        using var next = tensor(new long[] { 9 }, [1, 1]);
        using var positions = tensor(new long[] { 10 }, [1, 1]); // not 4: an explicit choice
        using var noGrad = no_grad();

        // When the next token runs at position 10 with the module graph and with the kernel
        Tensor Step(bool kernel)
        {
            model.DecodeKernel = kernel;
            using var layout = model.UseInferenceLayout();
            using var cache = model.CreateKvCache();
            model.forward(new CausalLMInput(prefix, Cache: cache)).Dispose();
            return model.forward(new CausalLMInput(next, PositionIds: positions, Cache: cache));
        }

        using var expected = Step(kernel: false);
        using var actual = Step(kernel: true);

        // Then both rotate by position 10
        Assert.Equal(1, model.DecodeKernelSteps);
        Assert.True((actual - expected).abs().max().item<float>() <= 2e-5);
    }

    [Theory]
    [MemberData(nameof(LlamaFamilies))]
    public void Should_generate_the_same_greedy_tokens_as_the_module_graph(string family, JsonObject config)
    {
        // Given contexts of different lengths (a padded batch) and greedy decoding of 24 tokens
        using var model = Build(config, seed: 21);
        IReadOnlyList<int>[] contexts = [[5, 9, 14, 3, 60, 2], [17, 4], [8, 8, 31, 40]];
        var generationConfig = new GenerationConfig { MaxNewTokens = 24, StopAtEos = false };

        // When the generator runs with the kernel off and on
        model.DecodeKernel = false;
        var expected = new TextGenerator(model, generationConfig, padTokenId: 0).Generate(contexts);
        model.DecodeKernel = true;
        var actual = new TextGenerator(model, generationConfig, padTokenId: 0).Generate(contexts);

        // Then the kernel decoded every step after the prefill, with the same tokens
        Assert.Equal(23, model.DecodeKernelSteps);
        for (var r = 0; r < contexts.Length; r++)
        {
            Assert.True(expected[r].TokenIds.SequenceEqual(actual[r].TokenIds), $"{family}, row {r}");
        }
    }

    [Fact]
    public void Should_leave_training_mode_and_a_switched_off_kernel_to_the_module_graph()
    {
        // Given a model in the inference layout with 3 cached positions
        using var model = Build(TinyConfigs.Llama(), seed: 8);
        using var layout = model.UseInferenceLayout();
        using var noGrad = no_grad();
        using var cache = model.CreateKvCache();
        model.forward(new CausalLMInput(tensor(new long[] { 1, 2, 3 }, [1, 3]), Cache: cache)).Dispose();
        long Step()
        {
            model.forward(new CausalLMInput(tensor(new long[] { 4 }, [1, 1]), Cache: cache)).Dispose();
            return model.DecodeKernelSteps;
        }

        // When a step runs in training mode (the kernel has no dropout), then with the kernel switched off inside the
        // scope, then switched on again
        model.train();
        var inTraining = Step();
        model.eval();
        model.DecodeKernel = false;
        var switchedOff = Step();
        model.DecodeKernel = true;
        var switchedOn = Step();

        // Then only the last step ran on the kernel
        Assert.Equal((0, 0, 1), (inTraining, switchedOff, switchedOn));
        Assert.Equal(6, cache.Length);
    }

    [Theory]
    [MemberData(nameof(LlamaFamilies))]
    public void Should_implement_every_feature_of_the_configs_it_runs(string family, JsonObject config)
    {
        // Given a family's config (every LlamaConfig property set by some family: biases, GQA, tied head, llama3 rope)
        var parsed = (LlamaConfig)ModelRegistry.ReadConfig(config);

        // When the kernel's explicit feature list is checked against it
        var reason = LlamaDecodeKernel.Unsupported(parsed);

        // Then nothing is missing (a property added to LlamaConfig without being listed would be named here)
        Assert.True(reason is null, $"{family}: {reason}");
    }

    [Fact]
    public void Should_leave_a_config_with_a_feature_it_does_not_implement_to_the_module_graph()
    {
        // Given a model whose config names an architecture the kernel does not list (as a new family reusing this
        // decoder with an extra feature would)
        var config = (LlamaConfig)ModelRegistry.ReadConfig(TinyConfigs.Llama()) with { Architecture = "FutureLlamaForCausalLM" };
        using var model = new LlamaForCausalLM(config, new ModelOptions(ScalarType.Float32));
        SeededWeights.Fill(model, 6);
        model.eval();

        // When it generates with the kernel enabled
        var result = new TextGenerator(model, new GenerationConfig { MaxNewTokens = 4, StopAtEos = false }, padTokenId: 0).Generate([[3, 4, 5]]);

        // Then the module graph ran every step, and the model says why
        Assert.Equal(4, result[0].TokenIds.Length);
        Assert.Equal(0, model.DecodeKernelSteps);
        Assert.False(model.DecodeKernelAvailable);
        Assert.Equal("module graph (the decode kernel does not implement architecture FutureLlamaForCausalLM)", model.DecodeKernelPath);
    }

    [Fact]
    public void Should_leave_bfloat16_models_to_the_module_graph()
    {
        // Given a bfloat16 model
        using var model = Build(TinyConfigs.Llama(), seed: 2, ScalarType.BFloat16);

        // When it generates with the kernel enabled
        var result = new TextGenerator(model, new GenerationConfig { MaxNewTokens = 5, StopAtEos = false }, padTokenId: 0).Generate([[3, 4, 5]]);

        // Then the module graph ran every step
        Assert.Equal(5, result[0].TokenIds.Length);
        Assert.Equal(0, model.DecodeKernelSteps);
    }

    [Fact]
    public void Should_keep_row_major_weights_with_fused_views_and_restore_them_afterwards()
    {
        // Given a model and a copy of every parameter
        using var model = Build(TinyConfigs.Qwen2(), seed: 4);
        var originals = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

        // When the inference layout is entered with the kernel on
        bool allContiguous;
        long kOffset;
        using (model.UseInferenceLayout())
        {
            allContiguous = model.parameters().All(p => p.is_contiguous());
            kOffset = model.named_parameters().First(p => p.name == "model.layers.0.self_attn.k_proj.weight").parameter.storage_offset();
        }

        // Then every weight stayed row-major (what the kernel streams), k_proj was a view into the fused q/k/v matrix,
        // and afterwards every parameter has its own storage and its exact values
        Assert.True(allContiguous);
        Assert.True(kOffset > 0);
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.True(p.is_contiguous() && p.storage_offset() == 0, name);
            Assert.True(p.eq(originals[name]).all().item<bool>(), name);
        }
    }

    [Fact]
    public void Should_reject_a_cache_of_another_batch_size_and_token_ids_outside_the_vocabulary()
    {
        // Given a model in the inference layout and a cache filled for one row
        using var model = Build(TinyConfigs.Llama(), seed: 6);
        using var layout = model.UseInferenceLayout();
        using var noGrad = no_grad();
        using var cache = model.CreateKvCache();
        model.forward(new CausalLMInput(tensor(new long[] { 1, 2, 3 }, [1, 3]), Cache: cache)).Dispose();

        // When a two-row step or an out-of-vocabulary id comes
        var batch = Assert.Throws<ArgumentException>(() => model.forward(new CausalLMInput(tensor(new long[] { 4, 5 }, [2, 1]), Cache: cache)));
        var vocabulary = Assert.Throws<ArgumentException>(() => model.forward(new CausalLMInput(tensor(new long[] { 97 }, [1, 1]), Cache: cache)));

        // Then both are refused with what is wrong, and the cache did not advance
        Assert.Contains("1 rows, the input has 2", batch.Message, StringComparison.Ordinal);
        Assert.Contains("token id 97", vocabulary.Message, StringComparison.Ordinal);
        Assert.Equal(3, cache.Length);
    }
}
