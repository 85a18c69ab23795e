using System.Text;

namespace Hyperfit.Tokenization;

/// <summary>GPT-2's reversible byte↔unicode table: every byte becomes one printable character, so byte-level
/// vocabularies can be stored as text (space 0x20 → 'Ġ' U+0120, newline 0x0A → 'Ċ' U+010A).</summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The GPT-2 pre-tokenization regex (used by ByteLevel with use_regex=true).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly char[] ByteToCharTable = BuildTable();
    private static readonly Dictionary<char, byte> CharToByteTable = BuildReverse();

    private static char[] BuildTable()
    {
        var table = new char[256];
        var assigned = new bool[256];
        void Keep(int from, int to)
        {
            for (var b = from; b <= to; b++)
            {
                table[b] = (char)b;
                assigned[b] = true;
            }
        }

        Keep('!', '~');
        Keep('¡', '¬');
        Keep('®', 'ÿ');
        var n = 0;
        for (var b = 0; b < 256; b++)
        {
            if (!assigned[b])
            {
                table[b] = (char)(256 + n++);
            }
        }

        return table;
    }

    private static Dictionary<char, byte> BuildReverse()
    {
        var map = new Dictionary<char, byte>(256);
        for (var b = 0; b < 256; b++)
        {
            map[ByteToCharTable[b]] = (byte)b;
        }

        return map;
    }

    /// <summary>The character that stands for byte <paramref name="b"/>.</summary>
    public static char ByteToChar(byte b) => ByteToCharTable[b];

    /// <summary>The byte a table character stands for, or null when the character is not in the table.</summary>
    public static byte? CharToByte(char c) => CharToByteTable.TryGetValue(c, out var b) ? b : null;

    /// <summary>Maps text to its UTF-8 bytes written with the table's characters.</summary>
    public static string Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (span, src) =>
        {
            for (var i = 0; i < src.Length; i++)
            {
                span[i] = ByteToCharTable[src[i]];
            }
        });
    }

    /// <summary>The bytes of a table-encoded token, or null when some character is not in the table.</summary>
    public static byte[]? TryDecodeBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            if (!CharToByteTable.TryGetValue(token[i], out bytes[i]))
            {
                return null;
            }
        }

        return bytes;
    }
}
