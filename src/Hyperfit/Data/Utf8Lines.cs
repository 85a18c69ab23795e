using System.Globalization;
using System.Text;

namespace Hyperfit.Data;

/// <summary>
/// Lines of a text file that must be UTF-8. .NET's default reader turns invalid bytes into U+FFFD silently, so a
/// Latin-1 corpus would train and be measured on replacement characters; here an invalid byte is an error naming the
/// file, the line and how to fix it.
/// </summary>
public static class Utf8Lines
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <exception cref="InvalidDataException">The file is not valid UTF-8.</exception>
    public static IEnumerable<string> Read(string path)
    {
        using var reader = new StreamReader(path, Strict, detectEncodingFromByteOrderMarks: true);
        var number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                var bytes = e.BytesUnknown is { Length: > 0 } b ? string.Join(" ", b.Select(x => x.ToString("X2", CultureInfo.InvariantCulture))) : "?";
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: not valid UTF-8 (byte {bytes} at or after line {number + 1}); convert it first, e.g. iconv -f latin1 -t utf-8"), e);
            }

            if (line is null)
            {
                yield break;
            }

            number++;
            yield return line;
        }
    }
}
