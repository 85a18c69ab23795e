using System.Text.Json.Nodes;
using Hyperfit.Models.GPT2;
using Hyperfit.Models.ImageGPT;
using Hyperfit.Models.Llama;
using Hyperfit.Models.Qwen2;

namespace Hyperfit.Models;

/// <summary>Maps a config.json's architecture to the family that implements it. Anything else is an error,
/// never a best guess.</summary>
public static class ModelRegistry
{
    private sealed record Family(Func<JsonObject, string, ModelConfig> ReadConfig, Func<ModelConfig, ModelOptions, CausalLM> Build);

    private static readonly Dictionary<string, Family> Families = new(StringComparer.Ordinal)
    {
        ["LlamaForCausalLM"] = new(LlamaConfig.FromJson, (c, o) => new LlamaForCausalLM((LlamaConfig)c, o)),
        // Mistral is Llama's math plus a sliding window, which only matters past the window (refused at run time).
        ["MistralForCausalLM"] = new(LlamaConfig.FromJson, (c, o) => new LlamaForCausalLM((LlamaConfig)c, o)),
        ["Qwen2ForCausalLM"] = new(Qwen2Config.FromJson, (c, o) => new Qwen2ForCausalLM((LlamaConfig)c, o)),
        ["GPT2LMHeadModel"] = new(GPT2Config.FromJson, (c, o) => new GPT2LMHeadModel((GPT2Config)c, o)),
        ["ImageGPTForCausalImageModeling"] = new(ImageGPTConfig.FromJson, (c, o) => new ImageGPTForCausalImageModeling((ImageGPTConfig)c, o)),
    };

    public static IReadOnlyCollection<string> SupportedArchitectures => Families.Keys;

    /// <summary>Parses and validates config.json content.</summary>
    /// <exception cref="ModelConfigException">Unknown architecture, bad field, or unimplemented feature.</exception>
    public static ModelConfig ReadConfig(JsonObject json)
    {
        var architecture = ArchitectureOf(json);
        return Families[architecture].ReadConfig(json, architecture);
    }

    /// <summary>Builds a randomly initialised model for a validated config.</summary>
    public static CausalLM Build(ModelConfig config, ModelOptions options)
    {
        if (!Families.TryGetValue(config.Architecture, out var family))
        {
            throw new ModelConfigException($"architecture '{config.Architecture}' is not supported");
        }

        return family.Build(config, options);
    }

    private static string ArchitectureOf(JsonObject json)
    {
        if (json["architectures"] is JsonArray { Count: > 0 } list && list[0] is JsonValue first && first.TryGetValue<string>(out var name))
        {
            return Families.ContainsKey(name)
                ? name
                : throw new ModelConfigException(
                    $"architecture '{name}' is not supported (supported: {string.Join(", ", Families.Keys)})");
        }

        // Some hand-made configs give only model_type.
        var modelType = json["model_type"] is JsonValue v && v.TryGetValue<string>(out var t) ? t : null;
        return modelType switch
        {
            "llama" => "LlamaForCausalLM",
            "mistral" => "MistralForCausalLM",
            "qwen2" => "Qwen2ForCausalLM",
            "gpt2" => "GPT2LMHeadModel",
            "imagegpt" => "ImageGPTForCausalImageModeling",
            null => throw new ModelConfigException("config has neither 'architectures' nor 'model_type'"),
            _ => throw new ModelConfigException(
                $"model_type '{modelType}' is not supported (supported: llama, mistral, qwen2, gpt2, imagegpt)"),
        };
    }
}
