using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyperfit.Experiments;

/// <summary>Writes a <see cref="PerSetRow"/> as <c>row</c>, [<c>decoding</c>, <c>data</c>,] one number per context set, then
/// <c>average</c>; reads it back (every other member is a context set's value: a number or null).</summary>
public sealed class PerSetRowConverter : JsonConverter<PerSetRow>
{
    public override PerSetRow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected an object");
        }

        string? row = null, decoding = null, data = null;
        double? average = null;
        var modelColumns = false;
        var sets = new List<KeyValuePair<string, double?>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "row":
                    row = reader.GetString();
                    break;
                case "decoding":
                    decoding = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    modelColumns = true;
                    break;
                case "data":
                    data = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                    modelColumns = true;
                    break;
                case "average":
                    average = Number(ref reader);
                    break;
                default:
                    sets.Add(KeyValuePair.Create(name, Number(ref reader)));
                    break;
            }
        }

        return new PerSetRow
        {
            Row = row ?? throw new JsonException("missing row"),
            Decoding = decoding,
            Data = data,
            HasModelColumns = modelColumns,
            Sets = sets,
            Average = average,
        };
    }

    public override void Write(Utf8JsonWriter writer, PerSetRow value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        writer.WriteString("row", value.Row);
        if (value.HasModelColumns)
        {
            writer.WriteString("decoding", value.Decoding);
            writer.WriteString("data", value.Data);
        }

        foreach (var (set, number) in value.Sets)
        {
            Write(writer, set, number);
        }

        Write(writer, "average", value.Average);
        writer.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static double? Number(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number => reader.GetDouble(),
        _ => throw new JsonException("expected a number or null"),
    };
}
