using System.Text.Json;

namespace Hyperfit.Models.Common;

/// <summary>config.json <c>rope_scaling</c>: the kinds Hyperfit implements.</summary>
/// <param name="Type">"linear" or "llama3".</param>
public sealed record RopeScaling(string Type, double Factor, double LowFreqFactor = 1, double HighFreqFactor = 4, int OriginalMaxPositionEmbeddings = 8192)
{
    /// <summary>Parses the JSON object; null or type "default" means no scaling.</summary>
    /// <exception cref="ModelConfigException">Unknown type or missing field.</exception>
    public static RopeScaling? Parse(JsonElement? element)
    {
        if (element is null || element.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var e = element.Value;
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new ModelConfigException("rope_scaling must be an object or null");
        }

        // Newer configs say rope_type, older ones type.
        var type = e.TryGetProperty("rope_type", out var t) ? t.GetString() : e.TryGetProperty("type", out t) ? t.GetString() : null;
        switch (type)
        {
            case null or "default":
                return null;
            case "linear":
                return new RopeScaling("linear", Number(e, "factor"));
            case "llama3":
                return new RopeScaling("llama3", Number(e, "factor"), Number(e, "low_freq_factor"), Number(e, "high_freq_factor"),
                    (int)Number(e, "original_max_position_embeddings"));
            default:
                throw new ModelConfigException(
                    $"rope_scaling type '{type}' is not implemented (supported: linear, llama3); refusing to build a silently different model");
        }
    }

    private static double Number(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number)
        {
            throw new ModelConfigException($"rope_scaling.{name} is missing or not a number");
        }

        return v.GetDouble();
    }
}
