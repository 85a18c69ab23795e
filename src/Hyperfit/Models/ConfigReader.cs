using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hyperfit.Models;

/// <summary>Typed, strict access to config.json fields; every error names the field.</summary>
public sealed class ConfigReader(JsonObject json)
{
    public JsonObject Json { get; } = json;

    public bool Has(string name) => Json.TryGetPropertyValue(name, out var v) && v is not null;

    public int Whole(string name) => Has(name) ? Whole(name, 0) : throw new ModelConfigException($"config field '{name}' is missing");

    public int Whole(string name, int fallback)
    {
        if (!Has(name))
        {
            return fallback;
        }

        var element = JsonSerializer.SerializeToElement(Json[name]);
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var value)
            ? value
            : throw new ModelConfigException($"config field '{name}' must be an integer, got {Json[name]!.ToJsonString()}");
    }

    public int? OptionalWhole(string name) => Has(name) ? Whole(name, 0) : null;

    public double Number(string name, double fallback)
    {
        if (!Has(name))
        {
            return fallback;
        }

        var element = JsonSerializer.SerializeToElement(Json[name]);
        return element.ValueKind == JsonValueKind.Number
            ? element.GetDouble()
            : throw new ModelConfigException($"config field '{name}' must be a number, got {Json[name]!.ToJsonString()}");
    }

    public bool Bool(string name, bool fallback)
    {
        if (!Has(name))
        {
            return fallback;
        }

        var element = JsonSerializer.SerializeToElement(Json[name]);
        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelConfigException($"config field '{name}' must be true or false, got {Json[name]!.ToJsonString()}"),
        };
    }

    public string? Text(string name, string? fallback)
    {
        if (!Has(name))
        {
            return fallback;
        }

        var element = JsonSerializer.SerializeToElement(Json[name]);
        return element.ValueKind == JsonValueKind.String
            ? element.GetString()
            : throw new ModelConfigException($"config field '{name}' must be a string, got {Json[name]!.ToJsonString()}");
    }

    public JsonElement? Element(string name) => Has(name) ? JsonSerializer.SerializeToElement(Json[name]) : null;

    /// <summary>Throws when a field is present whose value would change the math in a way not implemented.</summary>
    public void RequireOneOf(string name, string? fallback, params string[] allowed)
    {
        var value = Text(name, fallback);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            throw new ModelConfigException(
                $"config field '{name}' = '{value}' is not implemented (supported: {string.Join(", ", allowed)})");
        }
    }

    public static void Positive(string name, long value)
    {
        if (value <= 0)
        {
            throw new ModelConfigException($"config field '{name}' must be positive, got {value}");
        }
    }
}
