using System.Text.Json.Nodes;
using Hyperfit.Models.Llama;

namespace Hyperfit.Models.Qwen2;

/// <summary>Reads a <c>Qwen2ForCausalLM</c> config.json into the Llama-style decoder description it shares:
/// Qwen2 is Llama with a bias on the q/k/v projections (not on o_proj) and optional sliding-window attention.</summary>
public static class Qwen2Config
{
    public static LlamaConfig FromJson(JsonObject json, string architecture)
    {
        var r = new ConfigReader(json);
        if (r.Bool("use_sliding_window", false))
        {
            throw new ModelConfigException("config field 'use_sliding_window' = true is not implemented (sliding-window attention)");
        }

        var withoutLlamaBias = json.DeepClone().AsObject();
        withoutLlamaBias.Remove("attention_bias");
        withoutLlamaBias.Remove("sliding_window"); // only used when use_sliding_window is true
        var config = LlamaConfig.FromJson(withoutLlamaBias, architecture) with
        {
            Raw = json,
            QkvBias = true,
            OutputBias = false,
            TieWordEmbeddingsValue = r.Bool("tie_word_embeddings", false),
        };
        return config;
    }
}
