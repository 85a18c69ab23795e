namespace Hyperfit.IO.Safetensors;

/// <summary>A safetensors file, or a sharded checkpoint's index, is malformed.</summary>
/// <remarks>Derives from <see cref="IOException"/>: <see cref="InvalidDataException"/> would say it better but
/// is sealed, and IOException is what callers already catch for "this file cannot be used".
/// The message is always one line, <c>"&lt;file&gt;: tensor '&lt;name&gt;': &lt;problem&gt;"</c> or
/// <c>"&lt;file&gt;: &lt;problem&gt;"</c>, so a CLI can print it as is and a log stays greppable; names coming
/// from the file are escaped so that a hostile name cannot break the line.</remarks>
public sealed class SafetensorsFormatException : IOException
{
    /// <summary>Creates the exception; <paramref name="problem"/> says what is wrong, without the file or tensor.</summary>
    public SafetensorsFormatException(string filePath, string? tensorName, string problem, Exception? innerException = null)
        : base(Format(filePath, tensorName, problem), innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The file at fault (a tensor file or an index).</summary>
    public string FilePath { get; }

    /// <summary>The tensor at fault, or null when the problem is not about one tensor.</summary>
    public string? TensorName { get; }

    private static string Format(string filePath, string? tensorName, string problem)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(problem);
        return tensorName is null
            ? $"{OneLine(filePath)}: {OneLine(problem)}"
            : $"{OneLine(filePath)}: tensor '{OneLine(tensorName)}': {OneLine(problem)}";
    }

    /// <summary>Escapes control characters (newlines above all) so the message stays on one line.</summary>
    internal static string OneLine(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var sb = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                sb.Append(c switch
                {
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => $"\\u{(int)c:x4}",
                });
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
