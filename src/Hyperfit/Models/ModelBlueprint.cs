using System.Text.Json.Nodes;

namespace Hyperfit.Models;

/// <summary>The shape of a model to create from scratch, and the config.json it implies for each family.</summary>
public sealed record ModelBlueprint(
    string Family, int VocabSize, int HiddenSize, int Layers, int Heads, int KeyValueHeads, int IntermediateSize,
    int MaxPositions, bool TieWordEmbeddings = false, double RopeTheta = 10000, int? BosTokenId = null, int? EosTokenId = null)
{
    public static readonly string[] Families = ["llama", "qwen2", "gpt2"];

    /// <summary>Named sizes: tiny (tests, seconds), small (~3M parameters), base (~20M parameters at vocab 4096).</summary>
    public static ModelBlueprint Preset(string preset, string family, int vocabSize) => preset switch
    {
        "tiny" => new(family, vocabSize, 64, 2, 4, 4, 176, 512),
        "small" => new(family, vocabSize, 256, 4, 8, 8, 688, 1024),
        "base" => new(family, vocabSize, 512, 6, 8, 8, 1376, 1024),
        _ => throw new FieldException(Fields.Preset, $"preset {preset}: expected tiny, small or base"),
    };

    /// <summary>config.json content in the family's own field names.</summary>
    public JsonObject ToConfigJson()
    {
        var json = Family switch
        {
            "llama" or "qwen2" => new JsonObject
            {
                ["architectures"] = new JsonArray(Family == "llama" ? "LlamaForCausalLM" : "Qwen2ForCausalLM"),
                ["model_type"] = Family,
                ["vocab_size"] = VocabSize,
                ["hidden_size"] = HiddenSize,
                ["intermediate_size"] = IntermediateSize,
                ["num_hidden_layers"] = Layers,
                ["num_attention_heads"] = Heads,
                ["num_key_value_heads"] = KeyValueHeads,
                ["max_position_embeddings"] = MaxPositions,
                ["rms_norm_eps"] = 1e-5,
                ["rope_theta"] = RopeTheta,
                ["hidden_act"] = "silu",
                ["tie_word_embeddings"] = TieWordEmbeddings,
                ["attention_dropout"] = 0.0,
                ["initializer_range"] = 0.02,
            },
            "gpt2" => new JsonObject
            {
                ["architectures"] = new JsonArray("GPT2LMHeadModel"),
                ["model_type"] = "gpt2",
                ["vocab_size"] = VocabSize,
                ["n_embd"] = HiddenSize,
                ["n_layer"] = Layers,
                ["n_head"] = Heads,
                ["n_inner"] = IntermediateSize,
                ["n_positions"] = MaxPositions,
                ["n_ctx"] = MaxPositions,
                ["layer_norm_epsilon"] = 1e-5,
                ["activation_function"] = "gelu_new",
                ["tie_word_embeddings"] = TieWordEmbeddings,
                ["initializer_range"] = 0.02,
            },
            // ImageGPT: VocabSize counts the clusters plus the start token; the head has VocabSize − 1 rows.
            "imagegpt" => new JsonObject
            {
                ["architectures"] = new JsonArray("ImageGPTForCausalImageModeling"),
                ["model_type"] = "imagegpt",
                ["vocab_size"] = VocabSize,
                ["n_embd"] = HiddenSize,
                ["n_layer"] = Layers,
                ["n_head"] = Heads,
                ["n_inner"] = IntermediateSize,
                ["n_positions"] = MaxPositions,
                ["layer_norm_epsilon"] = 1e-5,
                ["activation_function"] = "quick_gelu",
                ["tie_word_embeddings"] = false,
                ["initializer_range"] = 0.02,
                ["resid_pdrop"] = 0.0,
                ["embd_pdrop"] = 0.0,
                ["attn_pdrop"] = 0.0,
            },
            _ => throw new FieldException(Fields.Architecture, $"arch {Family}: expected llama, qwen2 or gpt2"),
        };
        if (BosTokenId is { } bos)
        {
            json["bos_token_id"] = bos;
        }

        if (EosTokenId is { } eos)
        {
            json["eos_token_id"] = eos;
        }

        json["torch_dtype"] = "float32";
        return json;
    }
}
