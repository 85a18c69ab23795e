using System.Text.Json.Nodes;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models;

public sealed class ForwardTests
{
    private static CausalLM Build(JsonObject config, ScalarType dtype, int seed)
    {
        var model = ModelRegistry.Build(ModelRegistry.ReadConfig(config), new ModelOptions(dtype));
        // Random init leaves norms at 1 and biases at 0; perturb everything so every weight matters.
        SeededWeights.Fill(model, seed, perturbation: 0.1);

        model.eval();
        return model;
    }

    private static double[][] Reference(CausalLM model, JsonObject config, int[] ids, int[] positions, bool[] keep) =>
        (string)config["model_type"]! switch
        {
            "gpt2" => new ReferenceForward(model, config).GPT2(ids, positions, keep),
            "qwen2" => new ReferenceForward(model, config).Llama(ids, positions, keep, qkvBias: true),
            _ => new ReferenceForward(model, config).Llama(ids, positions, keep, qkvBias: false),
        };

    [Theory]
    [MemberData(nameof(TinyConfigs.All), MemberType = typeof(TinyConfigs))]
    public void Should_match_an_independent_naive_forward(string family, JsonObject config)
    {
        // Given a tiny model in float64 and the naive reference built from its weights
        using var model = Build(config, ScalarType.Float64, seed: 7);
        int[] ids = [5, 17, 3, 60, 2, 41, 9, 33];
        var positions = Enumerable.Range(0, ids.Length).ToArray();
        var expected = Reference(model, config, ids, positions, Enumerable.Repeat(true, ids.Length).ToArray());

        // When the model runs
        using var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
        using var logits = model.forward(input);
        var actual = logits.data<double>().ToArray();

        // Then every logit agrees; float32 cos/sin (libm vs. libtorch, ~1 ulp) bound the difference for RoPE models
        var vocab = expected[0].Length;
        var maxDiff = Enumerable.Range(0, ids.Length).SelectMany(t => Enumerable.Range(0, vocab).Select(v => Math.Abs(expected[t][v] - actual[(t * vocab) + v]))).Max();
        Assert.True(maxDiff < (family == "gpt2" ? 1e-9 : 1e-5), $"{family}: max |diff| = {maxDiff}");
    }

    [Theory]
    [MemberData(nameof(TinyConfigs.All), MemberType = typeof(TinyConfigs))]
    public void Should_give_the_same_logits_with_the_kv_cache_as_the_full_forward(string family, JsonObject config)
    {
        // Given a float32 model and a 12-token sequence
        using var model = Build(config, ScalarType.Float32, seed: 11);
        var ids = new long[] { 4, 8, 15, 16, 23, 42, 7, 1, 30, 11, 2, 19 };
        using var full = model.forward(tensor(ids, [1, ids.Length]));

        // When the prefix (5 tokens) goes in at once and the rest one token at a time through the cache
        using var cache = model.CreateKvCache(capacity: 4); // small, so the cache must grow
        var steps = new List<Tensor> { model.forward(new CausalLMInput(tensor(ids[..5], [1, 5]), Cache: cache)) };
        for (var i = 5; i < ids.Length; i++)
        {
            steps.Add(model.forward(new CausalLMInput(tensor(ids[i..(i + 1)], [1, 1]), Cache: cache)));
        }

        using var incremental = cat(steps, 1);
        var maxDiff = (incremental - full).abs().max().item<float>();

        // Then they agree to 1e-5
        Assert.Equal(ids.Length, cache.Length);
        Assert.True(maxDiff <= 1e-5, $"{family}: max |diff| = {maxDiff}");
    }

    [Theory]
    [MemberData(nameof(TinyConfigs.All), MemberType = typeof(TinyConfigs))]
    public void Should_compute_only_the_last_positions_logits_with_logits_to_keep(string family, JsonObject config)
    {
        // Given a model and a 6-token sequence
        using var model = Build(config, ScalarType.Float32, seed: 13);
        using var ids = tensor(new long[] { 9, 2, 33, 14, 5, 61 }, [1, 6]);
        using var full = model.forward(ids);

        // When only the last 1 and the last 2 positions are kept, and 0 (all)
        using var last = model.forward(new CausalLMInput(ids, LogitsToKeep: 1));
        using var lastTwo = model.forward(new CausalLMInput(ids, LogitsToKeep: 2));
        using var all = model.forward(new CausalLMInput(ids, LogitsToKeep: 0));

        // Then they are the corresponding slices of the full logits (to 1e-5: a head matmul over fewer rows may
        // block its sums differently)
        Assert.Equal([1L, 1, full.shape[2]], last.shape);
        Assert.Equal([1L, 2, full.shape[2]], lastTwo.shape);
        var lastDiff = (last - full.narrow(1, 5, 1)).abs().max().item<float>();
        var lastTwoDiff = (lastTwo - full.narrow(1, 4, 2)).abs().max().item<float>();
        var allDiff = (all - full).abs().max().item<float>();
        Assert.True(lastDiff <= 1e-5 && lastTwoDiff <= 1e-5 && allDiff == 0, $"{family}: {lastDiff}, {lastTwoDiff}, {allDiff}");
    }

    [Theory]
    [MemberData(nameof(TinyConfigs.All), MemberType = typeof(TinyConfigs))]
    public void Should_give_the_same_logits_in_the_inference_layout_and_restore_the_layout(string family, JsonObject config)
    {
        // Given a model, its logits for a sequence and a copy of every parameter
        using var model = Build(config, ScalarType.Float32, seed: 17);
        model.DecodeKernel = false; // with the decode kernel the weights stay row-major (LlamaDecodeKernelTests)
        using var ids = tensor(new long[] { 3, 14, 15, 9, 26, 35, 8 }, [1, 7]);
        using var before = model.forward(ids);
        var originals = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

        // When it runs in the inference layout (no gradients, as in generation), and then the scope ends
        Tensor during;
        List<string> relaid;
        long kOffset = 0;
        using (model.UseInferenceLayout())
        {
            using (no_grad())
            {
                during = model.forward(ids);
            }

            relaid = model.named_parameters().Where(p => !p.parameter.is_contiguous()).Select(p => p.name).ToList();
            kOffset = model.named_parameters().FirstOrDefault(p => p.name == "model.layers.0.self_attn.k_proj.weight").parameter?.storage_offset() ?? 0;
        }

        // Then the logits agree, some weights were relaid out (the projections, or GPT-2's head), Llama-family k_proj
        // was a view into the fused q/k/v matrix, and afterwards every parameter is contiguous with its old shape and
        // exact values
        var diff = (during - before).abs().max().item<float>();
        Assert.True(diff <= 1e-5, $"{family}: max |diff| = {diff}");
        Assert.Equal(family != "gpt2", kOffset > 0);
        Assert.NotEmpty(relaid);
        Assert.DoesNotContain(relaid, name => name.Contains("c_attn", StringComparison.Ordinal) || name.EndsWith("norm.weight", StringComparison.Ordinal));
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.True(p.is_contiguous() && p.storage_offset() == 0, name);
            Assert.True(p.eq(originals[name]).all().item<bool>(), name);
        }

        during.Dispose();
    }

    [Theory]
    [MemberData(nameof(TinyConfigs.All), MemberType = typeof(TinyConfigs))]
    public void Should_give_left_padded_rows_the_logits_of_the_unpadded_sequence(string family, JsonObject config)
    {
        // Given a batch of a 7-token and a 4-token sequence, the short one left-padded with 3 pads
        using var model = Build(config, ScalarType.Float32, seed: 5);
        long[] longIds = [3, 9, 27, 81, 43, 10, 6];
        long[] shortIds = [12, 24, 48, 5];
        using var batch = tensor(new long[] { 3, 9, 27, 81, 43, 10, 6, 0, 0, 0, 12, 24, 48, 5 }, [2, 7]);
        using var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1 }, [2, 7]);

        // When the batch and each sequence alone run
        using var batched = model.forward(new CausalLMInput(batch, mask));
        using var alone = model.forward(tensor(shortIds, [1, 4]));
        using var aloneLong = model.forward(tensor(longIds, [1, 7]));

        // Then the real positions agree and nothing is NaN
        var shortDiff = (batched[1].narrow(0, 3, 4) - alone[0]).abs().max().item<float>();
        var longDiff = (batched[0] - aloneLong[0]).abs().max().item<float>();
        Assert.False(batched.isnan().any().item<bool>());
        Assert.True(shortDiff <= 1e-5, $"{family}: padded row differs by {shortDiff}");
        Assert.True(longDiff <= 1e-5, $"{family}: full row differs by {longDiff}");
    }

    [Fact]
    public void Should_match_the_reference_for_a_left_padded_gpt2_row_whose_positions_start_at_zero()
    {
        // Learned positions must come from the mask (cumsum − 1), else padding shifts them.
        var config = TinyConfigs.GPT2();
        using var model = Build(config, ScalarType.Float64, seed: 3);
        using var batch = tensor(new long[] { 0, 0, 7, 8, 9 }, [1, 5]);
        using var mask = tensor(new long[] { 0, 0, 1, 1, 1 }, [1, 5]);
        using var logits = model.forward(new CausalLMInput(batch, mask));
        var expected = new ReferenceForward(model, config).GPT2([7, 8, 9], [0, 1, 2], [true, true, true]);
        var actual = logits[0].narrow(0, 2, 3).contiguous().data<double>().ToArray();
        var vocab = expected[0].Length;
        var maxDiff = Enumerable.Range(0, 3).SelectMany(t => Enumerable.Range(0, vocab).Select(v => Math.Abs(expected[t][v] - actual[(t * vocab) + v]))).Max();
        Assert.True(maxDiff < 1e-9, $"max |diff| = {maxDiff}");
    }
}

public sealed class DropoutTests
{
    [Theory]
    [InlineData("llama")]
    [InlineData("gpt2")]
    public void Should_apply_dropout_only_in_training_mode_when_asked(string family)
    {
        // Given the same weights with dropout 0.5 and with dropout off (the default)
        var config = ModelRegistry.ReadConfig(TinyConfigs.ByName(family));
        using var dropped = ModelRegistry.Build(config, new ModelOptions(Dropout: 0.5));
        using var plain = ModelRegistry.Build(config, ModelOptions.Default);
        // Copy rather than re-seed: other tests draw from torch's global generator in parallel.
        plain.load_state_dict(dropped.state_dict());
        using var ids = tensor(new long[] { 1, 5, 9, 13, 17 }, [1, 5]);

        // When both run in training mode, then only the dropout model is noisy
        dropped.train();
        plain.train();
        using var a = dropped.forward(ids);
        using var b = dropped.forward(ids);
        using var c = plain.forward(ids);
        using var d = plain.forward(ids);
        Assert.False(a.equal(b).all().item<bool>());
        Assert.True(c.equal(d).all().item<bool>());

        // And in eval mode the dropout model equals the plain one
        dropped.eval();
        plain.eval();
        using var e = dropped.forward(ids);
        using var f = plain.forward(ids);
        Assert.True(e.equal(f).all().item<bool>());
    }
}
