using System.Text.Json.Nodes;
using Hyperfit.Models.GPT2;

namespace Hyperfit.Models.ImageGPT;

/// <summary>config.json of <c>ImageGPTForCausalImageModeling</c> (transformers' <c>ImageGPTConfig</c>): GPT-2's fields
/// with ImageGPT's defaults — <c>vocab_size</c> 513 (512 colour clusters + the start-of-sequence id 512),
/// <c>n_positions</c> 1024 (32 × 32), <c>activation_function</c> quick_gelu, an untied head.</summary>
/// <remarks>Released sizes: small 512/8 heads/24 layers, medium 1024/8/36, large 1536/16/48.</remarks>
public sealed record ImageGPTConfig : ModelConfig
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
    public string ActivationFunction { get; init; } = "quick_gelu";
    public bool ScaleAttnWeights { get; init; } = true;
    public bool ScaleAttnByInverseLayerIdx { get; init; }

    /// <summary>Always false: the head has <c>vocab_size − 1</c> rows and cannot share the embedding.</summary>
    public override bool TieWordEmbeddings => false;

    /// <summary>Colour clusters: every id the head can predict (the start token is input only).</summary>
    public int Clusters => VocabSizeValue - 1;

    /// <summary>The start-of-sequence id, <c>vocab_size − 1</c>.</summary>
    public int StartTokenId => VocabSizeValue - 1;

    public static ImageGPTConfig FromJson(JsonObject json, string architecture)
    {
        var r = new ConfigReader(json);
        r.RequireOneOf("activation_function", "quick_gelu", "quick_gelu", "gelu_new", "gelu_pytorch_tanh", "gelu", "relu");
        if (r.Bool("add_cross_attention", false))
        {
            throw new ModelConfigException("config field 'add_cross_attention' = true is not implemented (ImageGPT with cross-attention)");
        }

        if (r.Bool("tie_word_embeddings", false))
        {
            throw new ModelConfigException("config field 'tie_word_embeddings' = true is impossible for ImageGPT (the head has vocab_size - 1 rows)");
        }

        var embd = r.Whole("n_embd", 512);
        var config = new ImageGPTConfig
        {
            Architecture = architecture,
            Raw = json,
            VocabSizeValue = r.Whole("vocab_size", 513),
            NEmbd = embd,
            NLayer = r.Whole("n_layer", 24),
            NHead = r.Whole("n_head", 8),
            NInner = r.OptionalWhole("n_inner") ?? 4 * embd,
            NPositions = r.Whole("n_positions", 1024),
            LayerNormEpsilon = r.Number("layer_norm_epsilon", 1e-5),
            ActivationFunction = r.Text("activation_function", "quick_gelu")!,
            ScaleAttnWeights = r.Bool("scale_attn_weights", true),
            ScaleAttnByInverseLayerIdx = r.Bool("scale_attn_by_inverse_layer_idx", false),
        };
        config.Validate();
        return config;
    }

    /// <summary>The GPT-2 backbone this model is built from: same sizes, ImageGPT's norm.</summary>
    public GPT2Config Backbone() => new()
    {
        Architecture = Architecture,
        Raw = Raw,
        VocabSizeValue = VocabSizeValue,
        NEmbd = NEmbd,
        NLayer = NLayer,
        NHead = NHead,
        NInner = NInner,
        NPositions = NPositions,
        LayerNormEpsilon = LayerNormEpsilon,
        ActivationFunction = ActivationFunction,
        ScaleAttnWeights = ScaleAttnWeights,
        ScaleAttnByInverseLayerIdx = ScaleAttnByInverseLayerIdx,
        TieWordEmbeddingsValue = false,
        Normalization = GPT2Normalization.ImageGpt,
    };

    public override void Validate()
    {
        ConfigReader.Positive("n_embd", NEmbd);
        ConfigReader.Positive("n_layer", NLayer);
        ConfigReader.Positive("n_head", NHead);
        ConfigReader.Positive("n_inner", NInner);
        ConfigReader.Positive("n_positions", NPositions);
        if (VocabSizeValue < 2)
        {
            throw new ModelConfigException($"config field 'vocab_size' ({VocabSizeValue}) must be at least 2 (colour clusters + the start token)");
        }

        if (NEmbd % NHead != 0)
        {
            throw new ModelConfigException($"n_embd ({NEmbd}) is not a multiple of n_head ({NHead})");
        }
    }
}
