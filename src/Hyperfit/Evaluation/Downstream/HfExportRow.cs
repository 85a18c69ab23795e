using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>One row of a Hugging Face dataset export (a Parquet row or a JSONL object) with typed accessors whose
/// errors name the file, the row and the column.</summary>
internal sealed class HfExportRow
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    public HfExportRow(string where, IReadOnlyDictionary<string, object?> values)
    {
        Where = where;
        _values = values;
    }

    /// <summary><c>file:line</c> (JSONL) or <c>file:row N</c> (Parquet).</summary>
    public string Where { get; }

    public bool Has(string column) => _values.ContainsKey(column);

    public string Text(string column) => Get(column) switch
    {
        string s => s,
        ReadOnlyMemory<char> m => m.ToString(),
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        var other => throw Wrong(column, other, "text"),
    };

    public int Integer(string column)
    {
        var value = Get(column);
        long? number = value switch
        {
            long l => l,
            int i => i,
            short s => s,
            sbyte b => b,
            byte b => b,
            JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var l) => l,
            _ => null,
        };
        return number is { } n && n is >= int.MinValue and <= int.MaxValue ? (int)n : throw Wrong(column, value, "an integer");
    }

    public IReadOnlyList<string> TextList(string column)
    {
        var value = Get(column);
        var items = new List<string>();
        switch (value)
        {
            case JsonElement { ValueKind: JsonValueKind.Array } array:
                foreach (var item in array.EnumerateArray())
                {
                    items.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Wrong(column, value, "a list of text"));
                }

                break;
            case IEnumerable list and not string:
                foreach (var item in list)
                {
                    items.Add(item switch
                    {
                        string s => s,
                        ReadOnlyMemory<char> m => m.ToString(),
                        _ => throw Wrong(column, value, "a list of text"),
                    });
                }

                break;
            default:
                throw Wrong(column, value, "a list of text");
        }

        return items;
    }

    private object? Get(string column) =>
        _values.TryGetValue(column, out var value)
            ? value
            : throw new InvalidDataException($"{Where}: no column '{column}' (columns: {string.Join(", ", _values.Keys)})");

    private InvalidDataException Wrong(string column, object? value, string expected) =>
        new($"{Where}: column '{column}' holds {Describe(value)}, expected {expected}");

    private static string Describe(object? value) => value switch
    {
        null => "null",
        JsonElement e => e.ValueKind switch
        {
            JsonValueKind.String => "text",
            JsonValueKind.Number => "a number",
            JsonValueKind.Array => "a list",
            JsonValueKind.Object => "an object",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        },
        string or ReadOnlyMemory<char> => "text",
        IEnumerable => "a list",
        _ => value.GetType().Name.ToLowerInvariant() switch
        {
            "double" or "single" or "decimal" => "a fractional number",
            "boolean" => "a boolean",
            var name => string.Create(CultureInfo.InvariantCulture, $"a {name}"),
        },
    };
}
