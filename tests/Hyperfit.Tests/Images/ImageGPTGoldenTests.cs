using Hyperfit.Checkpoints;
using Hyperfit.Generation;
using Hyperfit.Images;
using Hyperfit.Models;
using Hyperfit.Tests.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Images;

/// <summary>A tiny ImageGPT made, saved and run by transformers 4.47 (tools/goldens/make_imagegpt_goldens.py): Hyperfit
/// loads its folders (safetensors, and pytorch_model.bin with the old causal-mask buffers) and must give transformers'
/// logits (max |Δ| ≤ 1e-4) and greedy completions (ids identical) in both sequence layouts.</summary>
public sealed class ImageGPTGoldenTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Folders() => ["model", "model-bin"];

    [Theory]
    [MemberData(nameof(Folders))]
    public void Should_give_transformers_logits(string folder)
    {
        // Given the folder transformers saved (or torch.save'd, buffers included) and the ids it ran
        using var model = HfModelLoader.Load(ImageGoldens.Path(folder));
        var ids = ImageGoldens.Ints("input_ids").Select(i => (long)i).ToArray();

        // When Hyperfit runs the same forward
        using var noGrad = no_grad();
        using var logits = model.forward(tensor(ids, [1, ids.Length]));

        // Then the logits (one per colour cluster, none for the start token) match
        var clusters = ImageGoldens.Golden.GetProperty("vocab_size").GetInt32() - 1;
        Assert.Equal([1L, ids.Length, clusters], logits.shape);
        var diff = ImageGoldens.MaxAbsDiff(logits.data<float>().ToArray(), ImageGoldens.Floats("logits"));
        Assert.True(diff <= Tolerance, $"{folder}: max |Δlogits| = {diff}");
    }

    [Fact]
    public void Should_give_transformers_hidden_states()
    {
        // Given transformers' output_hidden_states: embeddings, layer 1's output, then the last after ln_f
        using var model = HfModelLoader.Load(ImageGoldens.Path("model"));
        var ids = ImageGoldens.Ints("input_ids").Select(i => (long)i).ToArray();

        // When Hyperfit collects its own
        using var noGrad = no_grad();
        using var output = model.ForwardWithHiddenStates(new CausalLMInput(tensor(ids, [1, ids.Length])));
        using var stacked = stack(output.HiddenStates.Select(h => h[0]).ToArray()); // (L + 1, T, D)

        // Then every one matches
        Assert.Equal(ImageGoldens.Ints("hidden_states_shape").Select(i => (long)i), stacked.shape);
        var diff = ImageGoldens.MaxAbsDiff(stacked.data<float>().ToArray(), ImageGoldens.Floats("hidden_states"));
        Assert.True(diff <= Tolerance, $"max |Δ hidden| = {diff}");
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("start")]
    public void Should_complete_images_greedily_as_transformers_does(string layout)
    {
        // Given the context transformers' generate() continued: 2 of 8 rows, alone (raw) or after the start token
        using var model = HfModelLoader.Load(ImageGoldens.Path("model"));
        var context = ImageGoldens.Ints($"{layout}_context");
        var expected = ImageGoldens.Ints($"{layout}_greedy");

        // When Hyperfit decodes greedily with the KV cache to the last pixel (1 + 64 ids for 64 positions with the start token)
        var result = new TextGenerator(model, new GenerationConfig { MaxNewTokens = expected.Length }).Generate([context]);

        // Then the completion is token-identical, and so (through the module graph, step by step) are the logits
        Assert.Equal(expected, result[0].TokenIds);
        var stepLogits = StepLogits(model, context, expected);
        var diff = ImageGoldens.MaxAbsDiff(stepLogits, ImageGoldens.Floats($"{layout}_greedy_step_logits"));
        Assert.True(diff <= Tolerance, $"{layout}: max |Δ step logits| = {diff}");
    }

    [Fact]
    public void Should_leave_the_norm_gains_without_gradient_as_transformers_does()
    {
        // Given transformers' list of parameters a backward pass leaves without gradient (ImageGPTLayerNorm uses weight.data)
        var expected = ImageGoldens.Golden.GetProperty("parameters_without_gradient").EnumerateArray().Select(e => e.GetString()!).ToArray();
        using var model = HfModelLoader.Load(ImageGoldens.Path("model"));
        model.train();
        var ids = ImageGoldens.Ints("input_ids").Select(i => (long)i).ToArray();

        // When Hyperfit backpropagates the next-token loss
        using var input = tensor(ids, [1, ids.Length]);
        using var logits = model.forward(input);
        using var loss = Hyperfit.Training.LanguageModelLoss.NextToken(logits, input);
        loss.backward();

        // Then exactly the same parameters have no gradient
        var without = model.named_parameters().Where(p => p.parameter.grad is null).Select(p => p.name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, without);
    }

    [Fact]
    public void Should_save_a_bin_loaded_model_in_hf_layout_without_the_buffers()
    {
        // Given the pytorch_model.bin folder
        using var dir = new TempDirectory();
        using var model = HfModelLoader.Load(ImageGoldens.Path("model-bin"));

        // When saved back
        HfModelSaver.Save(model, dir.Path, ImageGoldens.Path("model-bin"));

        // Then the safetensors file holds the parameters only, and loads bit-exactly
        using var file = Hyperfit.IO.Safetensors.SafetensorsFile.Open(dir.File("model.safetensors"));
        Assert.DoesNotContain(file.Tensors, t => t.Name.Contains(".attn.bias", StringComparison.Ordinal) || t.Name.Contains("masked_bias", StringComparison.Ordinal));
        Assert.Contains(file.Tensors, t => t.Name == "lm_head.weight");
        using var loaded = HfModelLoader.Load(dir.Path);
        foreach (var (name, p) in model.state_dict())
        {
            Assert.True(p.bytes.SequenceEqual(loaded.state_dict()[name].bytes), name);
        }
    }

    private static float[] StepLogits(CausalLM model, int[] context, int[] generated)
    {
        using var noGrad = no_grad();
        var all = new List<float>();
        var ids = context.ToList();
        foreach (var next in generated)
        {
            using var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Count]);
            using var logits = model.forward(new CausalLMInput(input, LogitsToKeep: 1));
            all.AddRange(logits.data<float>().ToArray());
            ids.Add(next);
        }

        return [.. all];
    }
}
