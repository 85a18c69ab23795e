using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hyperfit.IO;

/// <summary>Reads Hyperfit's own JSON files through their source-generated contracts (unknown members rejected) and
/// turns System.Text.Json's failures into one line that names the place and the member: "continuation_ids: expected an
/// array of integers", "unknown member 'x'", "missing continuation_ids".</summary>
public static class StrictJson
{
    /// <summary>One JSON object (a file, or one line of a JSONL file).</summary>
    /// <param name="where">Names the file (and line) in errors.</param>
    /// <exception cref="InvalidDataException">Syntax, type, unknown or missing members.</exception>
    public static T Parse<T>(string json, string where, JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        using (var document = Document(json, where))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{where}: expected a JSON object");
            }

            try
            {
                return document.RootElement.Deserialize(type) ?? throw new InvalidDataException($"{where}: expected a JSON object");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{where}: {Explain(e, type)}", e);
            }
        }
    }

    /// <summary>A whole JSON file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static T Read<T>(string path, JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(path);
        return File.Exists(path) ? Parse(File.ReadAllText(path), path, type) : throw new FileNotFoundException($"{path}: file not found", path);
    }

    private static string Explain(JsonException e, JsonTypeInfo type)
    {
        var message = FirstLine(e.Message);
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            // "The JSON property 'x' could not be mapped to any .NET member contained in type '…'."
            var start = message.IndexOf('\'', StringComparison.Ordinal);
            var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
            return end > start ? $"unknown member '{message[(start + 1)..end]}'" : "unknown member";
        }

        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            // "JSON deserialization for type '…' was missing required properties including: 'a', 'b'."
            var colon = message.LastIndexOf(':');
            return $"missing {message[(colon + 1)..].Trim().TrimEnd('.').Replace("'", "", StringComparison.Ordinal)}";
        }

        var path = e.Path is { Length: > 2 } p ? p.TrimStart('$').TrimStart('.') : null;
        if (path is null)
        {
            return message;
        }

        var member = path.Split('[', '.')[0];
        var property = type.Properties.FirstOrDefault(x => x.Name == member);
        return property is null ? $"{path}: {message}" : $"{path}: expected {Describe(property.PropertyType)}";
    }

    private static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(int[]) || t == typeof(long[]) || typeof(IEnumerable<int>).IsAssignableFrom(t))
        {
            return "an array of integers";
        }

        return t == typeof(string) ? "a string"
            : t == typeof(bool) ? "true or false"
            : t == typeof(int) || t == typeof(long) ? "an integer"
            : t == typeof(double) || t == typeof(float) ? "a number"
            : t.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(t))}"
            : "an object of its documented shape";
    }

    /// <summary>Parses <paramref name="json"/> (a file, or one line of a JSONL file) as a document; a syntax error
    /// becomes one line naming <paramref name="where"/>: "WHERE: not valid JSON (…)".</summary>
    /// <exception cref="InvalidDataException">The text is not JSON.</exception>
    public static JsonDocument Document(string json, string where)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: not valid JSON ({FirstLine(e.Message)})", e);
        }
    }

    /// <summary>The first line of an exception message, for one-line errors.</summary>
    public static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
