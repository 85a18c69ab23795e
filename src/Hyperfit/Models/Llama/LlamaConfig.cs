using System.Text.Json.Nodes;
using Hyperfit.Models.Common;

namespace Hyperfit.Models.Llama;

/// <summary>config.json of <c>LlamaForCausalLM</c> (TinyLlama, Llama 2/3/3.1, DeepSeek LLM) and
/// <c>MistralForCausalLM</c>, and the Llama-style decoder that Qwen2 reuses.</summary>
public sealed record LlamaConfig : ModelConfig
{
    public override int VocabSize => VocabSizeValue;
    public required int VocabSizeValue { get; init; }
    public override int HiddenSize => HiddenSizeValue;
    public required int HiddenSizeValue { get; init; }
    public required int IntermediateSize { get; init; }
    public override int NumLayers => NumHiddenLayers;
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000;
    public RopeScaling? RopeScaling { get; init; }
    public override int MaxPositions => MaxPositionEmbeddings;
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public override bool TieWordEmbeddings => TieWordEmbeddingsValue;
    public bool TieWordEmbeddingsValue { get; init; }
    /// <summary>Bias on q/k/v projections (Llama's attention_bias, always on for Qwen2).</summary>
    public bool QkvBias { get; init; }
    /// <summary>Bias on o_proj (Llama's attention_bias; never for Qwen2).</summary>
    public bool OutputBias { get; init; }
    public bool MlpBias { get; init; }
    /// <summary>Mistral's sliding window: not implemented, so inputs longer than it are refused at run time.</summary>
    public int? SlidingWindow { get; init; }

    /// <summary>Reads a Llama or Mistral config.json.</summary>
    public static LlamaConfig FromJson(JsonObject json, string architecture)
    {
        var r = new ConfigReader(json);
        r.RequireOneOf("hidden_act", "silu", "silu");
        var hidden = r.Whole("hidden_size");
        var heads = r.Whole("num_attention_heads");
        var attentionBias = r.Bool("attention_bias", false);
        var config = new LlamaConfig
        {
            Architecture = architecture,
            Raw = json,
            VocabSizeValue = r.Whole("vocab_size"),
            HiddenSizeValue = hidden,
            IntermediateSize = r.Whole("intermediate_size"),
            NumHiddenLayers = r.Whole("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = r.Whole("num_key_value_heads", heads),
            HeadDim = r.Whole("head_dim", heads > 0 ? hidden / heads : 0),
            RmsNormEps = r.Number("rms_norm_eps", 1e-6),
            RopeTheta = r.Number("rope_theta", 10000),
            RopeScaling = RopeScaling.Parse(r.Element("rope_scaling")),
            MaxPositionEmbeddings = r.Whole("max_position_embeddings", 2048),
            // A missing key takes the class default, as transformers' LlamaConfig(**dict) does: false here
            // (GPT-2, which inherits PretrainedConfig's true, is the family whose files omit it).
            TieWordEmbeddingsValue = r.Bool("tie_word_embeddings", false),
            QkvBias = attentionBias,
            OutputBias = attentionBias,
            MlpBias = r.Bool("mlp_bias", false),
            SlidingWindow = r.OptionalWhole("sliding_window"),
        };
        config.Validate();
        return config;
    }

    public override void Validate()
    {
        ConfigReader.Positive("vocab_size", VocabSizeValue);
        ConfigReader.Positive("hidden_size", HiddenSizeValue);
        ConfigReader.Positive("intermediate_size", IntermediateSize);
        ConfigReader.Positive("num_hidden_layers", NumHiddenLayers);
        ConfigReader.Positive("num_attention_heads", NumAttentionHeads);
        ConfigReader.Positive("num_key_value_heads", NumKeyValueHeads);
        ConfigReader.Positive("max_position_embeddings", MaxPositionEmbeddings);
        if (!Raw.ContainsKey("head_dim") && HiddenSizeValue % NumAttentionHeads != 0)
        {
            throw new ModelConfigException(
                $"hidden_size ({HiddenSizeValue}) is not a multiple of num_attention_heads ({NumAttentionHeads})");
        }

        ConfigReader.Positive("head_dim", HeadDim);
        if (HeadDim % 2 != 0)
        {
            throw new ModelConfigException($"head_dim ({HeadDim}) must be even for rotary embeddings");
        }

        if (NumAttentionHeads % NumKeyValueHeads != 0)
        {
            throw new ModelConfigException(
                $"num_attention_heads ({NumAttentionHeads}) is not a multiple of num_key_value_heads ({NumKeyValueHeads})");
        }

        if (RmsNormEps <= 0)
        {
            throw new ModelConfigException($"rms_norm_eps must be positive, got {RmsNormEps}");
        }
    }
}
