using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hyperfit.Tokenization;

/// <summary>Writes a standard GPT-2-style tokenizer.json: ByteLevel pre-tokenizer (GPT-2 regex, no prefix space),
/// BPE model with vocab and merges, ByteLevel decoder, special tokens as added_tokens after the vocabulary.</summary>
public static class ByteLevelBpeTokenizerJson
{
    /// <summary>Writes the file. Vocabulary strings are in GPT-2's byte table form ("Ġthe"); id = list index.
    /// Special tokens get ids vocabInIdOrder.Count, +1, ... in order.</summary>
    public static void Write(string path, IReadOnlyList<string> vocabInIdOrder, IReadOnlyList<(string, string)> merges, IReadOnlyList<string> specialTokens)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(vocabInIdOrder);
        ArgumentNullException.ThrowIfNull(merges);
        ArgumentNullException.ThrowIfNull(specialTokens);

        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("version", "1.0");
        w.WriteNull("truncation");
        w.WriteNull("padding");
        w.WriteStartArray("added_tokens");
        for (var i = 0; i < specialTokens.Count; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("id", vocabInIdOrder.Count + i);
            w.WriteString("content", specialTokens[i]);
            w.WriteBoolean("single_word", false);
            w.WriteBoolean("lstrip", false);
            w.WriteBoolean("rstrip", false);
            w.WriteBoolean("normalized", false);
            w.WriteBoolean("special", true);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNull("normalizer");
        WriteByteLevel(w, "pre_tokenizer");
        WriteByteLevel(w, "post_processor");
        WriteByteLevel(w, "decoder");
        w.WriteStartObject("model");
        w.WriteString("type", "BPE");
        w.WriteNull("dropout");
        w.WriteNull("unk_token");
        w.WriteNull("continuing_subword_prefix");
        w.WriteNull("end_of_word_suffix");
        w.WriteBoolean("fuse_unk", false);
        w.WriteBoolean("byte_fallback", false);
        w.WriteBoolean("ignore_merges", false);
        w.WriteStartObject("vocab");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < vocabInIdOrder.Count; i++)
        {
            if (!seen.Add(vocabInIdOrder[i]))
            {
                throw new ArgumentException($"vocabulary entry '{vocabInIdOrder[i]}' occurs twice (id {i})", nameof(vocabInIdOrder));
            }

            w.WriteNumber(vocabInIdOrder[i], i);
        }

        w.WriteEndObject();
        w.WriteStartArray("merges");
        foreach (var (a, b) in merges)
        {
            w.WriteStartArray();
            w.WriteStringValue(a);
            w.WriteStringValue(b);
            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteByteLevel(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject(name);
        w.WriteString("type", "ByteLevel");
        w.WriteBoolean("add_prefix_space", false);
        w.WriteBoolean("trim_offsets", true);
        w.WriteBoolean("use_regex", true);
        w.WriteEndObject();
    }
}
