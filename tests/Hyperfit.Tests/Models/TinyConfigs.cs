using System.Text.Json.Nodes;

namespace Hyperfit.Tests.Models;

/// <summary>Tiny configs for every supported family, as config.json text would give them.</summary>
internal static class TinyConfigs
{
    public static JsonObject Llama() => Parse("""
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 97, "hidden_size": 32,
         "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4,
         "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "max_position_embeddings": 128, "tie_word_embeddings": false,
         "hidden_act": "silu", "torch_dtype": "float32", "bos_token_id": 1, "eos_token_id": 2}
        """);

    /// <summary>Grouped-query attention (4 query heads share 2 kv heads), tied embeddings, llama3 rope scaling.</summary>
    public static JsonObject LlamaGqaTiedLlama3() => Parse("""
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 101, "hidden_size": 32,
         "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
         "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "max_position_embeddings": 256, "tie_word_embeddings": true,
         "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                          "original_max_position_embeddings": 64},
         "hidden_act": "silu", "torch_dtype": "bfloat16"}
        """);

    public static JsonObject Qwen2() => Parse("""
        {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 89, "hidden_size": 32,
         "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
         "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "max_position_embeddings": 128, "tie_word_embeddings": true,
         "use_sliding_window": false, "sliding_window": 4096, "hidden_act": "silu", "torch_dtype": "float32"}
        """);

    public static JsonObject GPT2() => Parse("""
        {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 83, "n_embd": 32, "n_layer": 2,
         "n_head": 4, "n_positions": 64, "n_ctx": 64, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new",
         "resid_pdrop": 0.1, "embd_pdrop": 0.1, "attn_pdrop": 0.1}
        """);

    public static IEnumerable<object[]> All() =>
    [
        ["llama", Llama()],
        ["llama-gqa-tied-llama3", LlamaGqaTiedLlama3()],
        ["qwen2", Qwen2()],
        ["gpt2", GPT2()],
    ];

    public static JsonObject ByName(string name) => name switch
    {
        "llama" => Llama(),
        "llama-gqa-tied-llama3" => LlamaGqaTiedLlama3(),
        "qwen2" => Qwen2(),
        "gpt2" => GPT2(),
        _ => throw new ArgumentException(name),
    };

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
