using System.Text.Json.Nodes;
using Hyperfit.Models.ImageGPT;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models.GPT2;

/// <summary>config.json of <c>GPT2LMHeadModel</c>.</summary>
public sealed record GPT2Config : ModelConfig
{
    public override int VocabSize => VocabSizeValue;
    public required int VocabSizeValue { get; init; }
    public override int HiddenSize => NEmbd;
    public required int NEmbd { get; init; }
    public override int NumLayers => NLayer;
    public required int NLayer { get; init; }
    public required int NHead { get; init; }
    public required int NInner { get; init; }
    public override int MaxPositions => NPositions;
    public required int NPositions { get; init; }
    public double LayerNormEpsilon { get; init; } = 1e-5;
    /// <summary>gelu_new (tanh approximation, GPT-2's), gelu (exact erf), relu, quick_gelu (<c>x·σ(1.702x)</c>, ImageGPT's).</summary>
    public string ActivationFunction { get; init; } = "gelu_new";
    public bool ScaleAttnWeights { get; init; } = true;
    public bool ScaleAttnByInverseLayerIdx { get; init; }
    public override bool TieWordEmbeddings => TieWordEmbeddingsValue;
    public bool TieWordEmbeddingsValue { get; init; } = true;
    /// <summary>GPT-2's LayerNorm, or ImageGPT's mean-free norm when the backbone serves <c>ImageGPTForCausalImageModeling</c>
    /// (not a config.json field: the architecture decides it).</summary>
    public GPT2Normalization Normalization { get; init; } = GPT2Normalization.LayerNorm;

    public static GPT2Config FromJson(JsonObject json, string architecture)
    {
        var r = new ConfigReader(json);
        r.RequireOneOf("activation_function", "gelu_new", "gelu_new", "gelu_pytorch_tanh", "gelu", "relu", "quick_gelu");
        if (r.Bool("add_cross_attention", false))
        {
            throw new ModelConfigException("config field 'add_cross_attention' = true is not implemented (encoder-decoder GPT-2)");
        }

        var embd = r.Whole("n_embd");
        var config = new GPT2Config
        {
            Architecture = architecture,
            Raw = json,
            VocabSizeValue = r.Whole("vocab_size"),
            NEmbd = embd,
            NLayer = r.Whole("n_layer"),
            NHead = r.Whole("n_head"),
            NInner = r.OptionalWhole("n_inner") ?? 4 * embd,
            NPositions = r.Whole("n_positions", 1024),
            LayerNormEpsilon = r.Number("layer_norm_epsilon", 1e-5),
            ActivationFunction = r.Text("activation_function", "gelu_new")!,
            ScaleAttnWeights = r.Bool("scale_attn_weights", true),
            ScaleAttnByInverseLayerIdx = r.Bool("scale_attn_by_inverse_layer_idx", false),
            // GPT2Config does not override PretrainedConfig's default, so a missing key means tied (the usual case).
            TieWordEmbeddingsValue = r.Bool("tie_word_embeddings", true),
        };
        config.Validate();
        return config;
    }

    /// <summary>A new <c>ln_1</c> / <c>ln_2</c> / <c>ln_f</c> of this config's <see cref="Normalization"/>.</summary>
    public nn.Module<Tensor, Tensor> CreateNorm(ScalarType dtype, Device? device) => Normalization == GPT2Normalization.ImageGpt
        ? new ImageGPTLayerNorm(NEmbd, LayerNormEpsilon, dtype, device)
        : nn.LayerNorm(NEmbd, LayerNormEpsilon, device: device, dtype: dtype);

    public override void Validate()
    {
        ConfigReader.Positive("vocab_size", VocabSizeValue);
        ConfigReader.Positive("n_embd", NEmbd);
        ConfigReader.Positive("n_layer", NLayer);
        ConfigReader.Positive("n_head", NHead);
        ConfigReader.Positive("n_inner", NInner);
        ConfigReader.Positive("n_positions", NPositions);
        if (NEmbd % NHead != 0)
        {
            throw new ModelConfigException($"n_embd ({NEmbd}) is not a multiple of n_head ({NHead})");
        }
    }
}
