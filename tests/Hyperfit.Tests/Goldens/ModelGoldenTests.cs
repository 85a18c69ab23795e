using System.Text.Json;
using Hyperfit.Checkpoints;
using Hyperfit.Generation;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Goldens;

/// <summary>Tiny models made, saved and run by Hugging Face transformers itself (tools/goldens/make_model_goldens.py,
/// versions in each golden.json): Hyperfit loads the saved folder and must reproduce transformers' logits, hidden
/// states, rotary frequencies, padded batches and greedy generations (float32, max |Δ| ≤ 1e-4; ids identical).</summary>
public sealed class ModelGoldenTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Models() =>
    [
        "llama-mha", "llama-gqa-llama3-tied", "qwen2", "mistral", "gpt2", "gpt2-inverse-layer-idx-gelu", "gpt2-unscaled-relu",
    ];

    private static (CausalLM Model, JsonDocument Golden) Load(string name)
    {
        var model = HfModelLoader.Load(GoldenFiles.Path("models", name), new ModelOptions(ScalarType.Float32));
        model.eval();
        return (model, GoldenFiles.Json("models", name, "golden.json"));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Should_give_transformers_logits_and_hidden_states(string name)
    {
        // Given the model folder transformers saved and the ids it ran
        var (model, golden) = Load(name);
        using var _ = model;
        using var __ = golden;
        var g = golden.RootElement;
        var ids = GoldenFiles.Longs(g.GetProperty("input_ids"));

        // When Hyperfit runs the same forward with hidden states
        using var noGrad = no_grad();
        using var output = model.ForwardWithHiddenStates(new CausalLMInput(tensor(ids, [1, ids.Length])));

        // Then logits and every hidden state match transformers'
        Assert.True(GoldenFiles.MaxAbsDiff(output.Logits.data<float>().ToArray(), GoldenFiles.Floats(g.GetProperty("logits"))) <= Tolerance, $"{name}: logits");
        var shape = GoldenFiles.Ints(g.GetProperty("hidden_states_shape"));
        Assert.Equal(shape[0], output.HiddenStates.Count);
        using var stacked = stack(output.HiddenStates.Select(h => h[0]).ToArray()); // (L + 1, T, D)
        Assert.Equal(shape.Select(s => (long)s), stacked.shape);
        var diff = GoldenFiles.MaxAbsDiff(stacked.data<float>().ToArray(), GoldenFiles.Floats(g.GetProperty("hidden_states")));
        Assert.True(diff <= Tolerance, $"{name}: hidden states max |diff| = {diff}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Should_give_transformers_rotary_frequencies(string name)
    {
        // Given a golden with transformers' rotary_emb.inv_freq and cos/sin (RoPE families) or none (GPT-2)
        var (model, golden) = Load(name);
        using var _ = model;
        using var __ = golden;
        var g = golden.RootElement;
        using var invFreq = model.RotaryInverseFrequencies();
        if (!g.TryGetProperty("rotary_inv_freq", out var expected))
        {
            Assert.Null(invFreq);
            return;
        }

        // When Hyperfit reports its own for positions 0 … T − 1
        var t = g.GetProperty("input_ids").GetArrayLength();
        using var positions = arange(0, t, dtype: int64).unsqueeze(0);
        var (cos, sin) = model.RotaryCosSin(positions)!.Value;
        using var ___ = cos;
        using var ____ = sin;

        // Then they equal transformers' (llama3 scaling included)
        Assert.True(GoldenFiles.MaxAbsDiff(invFreq!.data<float>().ToArray(), GoldenFiles.Floats(expected)) <= 1e-7, $"{name}: inv_freq");
        Assert.Equal(1.0, g.GetProperty("rotary_attention_scaling").GetDouble());
        Assert.True(GoldenFiles.MaxAbsDiff(cos.data<float>().ToArray(), GoldenFiles.Floats(g.GetProperty("rotary_cos"))) <= 1e-6, $"{name}: cos");
        Assert.True(GoldenFiles.MaxAbsDiff(sin.data<float>().ToArray(), GoldenFiles.Floats(g.GetProperty("rotary_sin"))) <= 1e-6, $"{name}: sin");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Should_give_transformers_logits_for_a_left_padded_batch(string name)
    {
        // Given transformers' left-padded batch, its mask and generate()'s position ids
        var (model, golden) = Load(name);
        using var _ = model;
        using var __ = golden;
        var g = golden.RootElement;
        var ids = GoldenFiles.Longs(g.GetProperty("padded_input_ids"));
        var mask = GoldenFiles.Longs(g.GetProperty("padded_attention_mask"));
        var t = ids.Length / 2;

        // When Hyperfit runs it with the mask (positions derived from the mask, as generate() does)
        using var noGrad = no_grad();
        using var logits = model.forward(new CausalLMInput(tensor(ids, [2, t]), AttentionMask: tensor(mask, [2, t])));

        // Then every logit at a real token matches; at pads only finiteness is asked (transformers' pad rows are
        // arbitrary but finite too)
        var actual = logits.data<float>().ToArray();
        var expected = GoldenFiles.Floats(g.GetProperty("padded_logits"));
        var vocab = g.GetProperty("vocab_size").GetInt32();
        var max = 0.0;
        for (var row = 0; row < 2; row++)
        {
            for (var pos = 0; pos < t; pos++)
            {
                var at = ((row * t) + pos) * vocab;
                if (mask[(row * t) + pos] == 1)
                {
                    max = Math.Max(max, GoldenFiles.MaxAbsDiff(actual.AsSpan(at, vocab), expected.AsSpan(at, vocab)));
                }
                else
                {
                    Assert.All(actual.AsSpan(at, vocab).ToArray(), v => Assert.True(float.IsFinite(v)));
                }
            }
        }

        Assert.True(max <= Tolerance, $"{name}: padded logits max |diff| = {max}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Should_generate_transformers_greedy_tokens_and_step_logits(string name)
    {
        // Given transformers' greedy continuation and the logits of each of its steps
        var (model, golden) = Load(name);
        using var _ = model;
        using var __ = golden;
        var g = golden.RootElement;
        var ids = GoldenFiles.Ints(g.GetProperty("input_ids"));
        var newTokens = g.GetProperty("greedy_new_tokens").GetInt32();
        var expected = GoldenFiles.Ints(g.GetProperty("greedy"));

        // When Hyperfit decodes greedily (KV cache, decode kernel where the family has one)
        var generated = new TextGenerator(model, new GenerationConfig { MaxNewTokens = newTokens }).Generate([ids])[0].TokenIds;

        // Then the tokens are identical, and re-scoring the sequence gives transformers' step logits
        Assert.Equal(expected, generated);
        AssertStepLogits(model, [[.. ids, .. expected]], [ids.Length], null, GoldenFiles.Floats(g.GetProperty("greedy_step_logits")), name);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Should_generate_transformers_greedy_tokens_for_a_left_padded_batch(string name)
    {
        // Given transformers' padded batch and its greedy continuations
        var (model, golden) = Load(name);
        using var _ = model;
        using var __ = golden;
        var g = golden.RootElement;
        var rows = g.GetProperty("padded_input_ids").EnumerateArray().Select(GoldenFiles.Ints).ToArray();
        var masks = g.GetProperty("padded_attention_mask").EnumerateArray().Select(GoldenFiles.Ints).ToArray();
        var contexts = rows.Select((r, i) => r.Where((_, j) => masks[i][j] == 1).ToArray()).ToArray();
        var expected = g.GetProperty("padded_greedy").EnumerateArray().Select(GoldenFiles.Ints).ToArray();
        var newTokens = g.GetProperty("greedy_new_tokens").GetInt32();

        // When Hyperfit generates for the unpadded contexts (it pads on the left itself)
        var generated = new TextGenerator(model, new GenerationConfig { MaxNewTokens = newTokens }).Generate(contexts);

        // Then every row continues exactly as transformers' did, with transformers' step logits
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(expected[i], generated[i].TokenIds);
        }

        var full = rows.Select((r, i) => (long[])[.. r.Select(x => (long)x), .. expected[i].Select(x => (long)x)]).ToArray();
        AssertStepLogits(model, full.Select(f => f.Select(x => (int)x).ToArray()).ToArray(), [rows[0].Length, rows[0].Length],
            masks, GoldenFiles.Floats(g.GetProperty("padded_greedy_step_logits")), name);
    }

    // Scores prompt + continuation in one forward and compares the logits that predicted each new token with
    // transformers' per-step logits ((B, steps, V) flattened).
    private static void AssertStepLogits(CausalLM model, int[][] sequences, int[] promptLengths, int[][]? promptMasks, float[] expected, string name)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var b = sequences.Length;
        var t = sequences[0].Length;
        var mask = new long[b * t];
        for (var i = 0; i < b; i++)
        {
            for (var j = 0; j < t; j++)
            {
                mask[(i * t) + j] = promptMasks is not null && j < promptMasks[i].Length ? promptMasks[i][j] : 1;
            }
        }

        var logits = model.forward(new CausalLMInput(tensor(sequences.SelectMany(s => s.Select(x => (long)x)).ToArray(), [b, t]),
            AttentionMask: tensor(mask, [b, t])));
        var steps = t - promptLengths[0];
        var predicting = logits.narrow(1, promptLengths[0] - 1, steps).contiguous(); // (B, steps, V)
        var diff = GoldenFiles.MaxAbsDiff(predicting.data<float>().ToArray(), expected);
        Assert.True(diff <= Tolerance, $"{name}: step logits max |diff| = {diff}");
    }

    [Fact]
    public void Should_refuse_a_mistral_input_longer_than_its_sliding_window()
    {
        // Given transformers' Mistral folder (sliding_window 64): within the window its logits are checked above
        var (model, golden) = Load("mistral");
        using var _ = model;
        golden.Dispose();
        using var noGrad = no_grad();
        using var ok = model.forward(zeros(1, 64, dtype: int64));

        // When an input goes one token past the window
        var error = Assert.Throws<ArgumentException>(() => model.forward(zeros(1, 65, dtype: int64)));

        // Then it is refused with a one-line reason rather than computed without the window
        Assert.Contains("sliding_window (64)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
