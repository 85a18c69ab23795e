using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.Goldens;

/// <summary>Real tokenizer files against goldens made by the reference implementations (tools/goldens/tokenizers:
/// the Rust `tokenizers` through its npm binding for tokenizer.json; transformers' LlamaTokenizer and sentencepiece
/// for tokenizer.model; transformers' GPT2Tokenizer for vocab.json + merges.txt). 320 hard strings each; ids,
/// tokens and both decodes must be identical.</summary>
public sealed class TokenizerGoldenTests
{
    [Fact]
    public void Should_match_the_rust_tokenizers_on_qwen3() => AssertMatches("qwen3", Committed("qwen3", "tokenizer.json"));

    [Fact]
    public void Should_match_transformers_gpt2_tokenizer_on_a_vocab_and_merges_folder() =>
        AssertMatches("gpt2", Committed("gpt2", "vocab.json", "merges.txt"));

    [Fact]
    public void Should_match_transformers_llama_tokenizer_on_a_sentencepiece_model() =>
        AssertMatches("sp-bpe", Committed("sp-bpe", "tokenizer.model"));

    [Fact]
    public void Should_encode_runs_of_spaces_as_sentencepiece_does()
    {
        // Given sentencepiece's own pieces for every string without special-token text
        using var folder = Committed("sp-bpe", "tokenizer.model");
        var tokenizer = HfTokenizer.Load(folder.Path);
        using var golden = GoldenFiles.Json("tokenizers", "sp-bpe.golden.json");
        var failures = new List<string>();
        var compared = 0;
        foreach (var c in golden.RootElement.GetProperty("cases").EnumerateArray())
        {
            var text = c.GetProperty("text").GetString()!;
            if (text.Contains("<s>", StringComparison.Ordinal) || text.Contains("</s>", StringComparison.Ordinal) || text.Contains("<unk>", StringComparison.Ordinal))
            {
                continue; // raw sentencepiece does not split special-token text; transformers does (compared elsewhere)
            }

            // When Hyperfit encodes without special tokens
            var ids = tokenizer.Encode(text, addSpecialTokens: false);
            compared++;
            if (!ids.SequenceEqual(GoldenFiles.Ints(c.GetProperty("sp_ids"))))
            {
                failures.Add($"{JsonSerializer.Serialize(text)}: [{string.Join(' ', ids.Select(tokenizer.IdToToken))}] vs sentencepiece [{string.Join(' ', c.GetProperty("sp_pieces").EnumerateArray())}]");
            }
        }

        // Then the ids are sentencepiece's (equal-score merges leftmost first, as its BPE does)
        Assert.True(compared > 250, $"only {compared} strings compared");
        Assert.True(failures.Count == 0, $"{failures.Count} of {compared} differ, e.g.\n{string.Join('\n', failures.Take(8))}");
    }

    [ReferenceTokenizerFact("llama3")]
    public void Should_match_the_rust_tokenizers_on_llama3() => AssertMatches("llama3", Local("llama3"));

    [ReferenceTokenizerFact("llama2")]
    public void Should_match_the_rust_tokenizers_on_llama2() => AssertMatches("llama2", Local("llama2"));

    [ReferenceTokenizerFact("deepseek_v3")]
    public void Should_match_the_rust_tokenizers_on_deepseek_v3() => AssertMatches("deepseek_v3", Local("deepseek_v3"));

    [ReferenceTokenizerFact("gemma3")]
    public void Should_match_the_rust_tokenizers_on_gemma3() => AssertMatches("gemma3", Local("gemma3"));

    [Fact]
    public void Should_never_lose_text_on_astral_characters()
    {
        // Given strings with emoji, mathematical letters and astral CJK, and a byte-level tokenizer
        using var folder = Committed("qwen3", "tokenizer.json");
        var tokenizer = HfTokenizer.Load(folder.Path);
        string[] texts = ["😀a", "📯u", "𝐇𝐞𝐥𝐥𝐨 bold", "𠀀𠀁 CJK", "👨‍👩‍👧‍👦 family", "a😀b😀c", "𝟎𝟏𝟐"];

        // When each is encoded and decoded, Then the text comes back exactly
        Assert.All(texts, t => Assert.Equal(t, tokenizer.Decode(tokenizer.Encode(t, addSpecialTokens: false))));
    }

    internal static void AssertMatches(string name, TempDirectory folder)
    {
        using var _ = folder;
        using var golden = GoldenFiles.Json("tokenizers", $"{name}.golden.json");
        var root = golden.RootElement;
        AssertSameFiles(root.GetProperty("file_sha256"), folder.Path, name);

        var tokenizer = HfTokenizer.Load(folder.Path);
        var failures = new List<string>();
        var count = 0;
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            count++;
            var text = c.GetProperty("text").GetString()!;
            var expectedIds = GoldenFiles.Ints(c.GetProperty("ids"));
            var ids = tokenizer.Encode(text).ToArray();
            var label = JsonSerializer.Serialize(text);
            if (!ids.SequenceEqual(expectedIds))
            {
                failures.Add($"{label}: ids [{string.Join(',', ids)}] vs [{string.Join(',', expectedIds)}]");
                continue;
            }

            var tokens = c.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToArray();
            if (!ids.Select(tokenizer.IdToToken).SequenceEqual(tokens))
            {
                failures.Add($"{label}: tokens differ");
            }

            foreach (var (field, skip) in new[] { ("decoded", false), ("decoded_skip_special", true) })
            {
                var expected = c.GetProperty(field).GetString();
                var actual = tokenizer.Decode(ids, skipSpecialTokens: skip);
                if (actual != expected)
                {
                    failures.Add($"{label}: {field} {JsonSerializer.Serialize(actual)} vs {JsonSerializer.Serialize(expected)}");
                }
            }
        }

        Assert.True(count >= 300, $"{name}: only {count} cases");
        Assert.True(failures.Count == 0, $"{name}: {failures.Count} differences, e.g.\n{string.Join('\n', failures.Take(10))}");
    }

    // The golden records the sha256 of the exact file(s) it was made from: a different file is an error, not a skip.
    private static void AssertSameFiles(JsonElement sha, string folder, string name)
    {
        var expected = sha.ValueKind == JsonValueKind.String
            ? new Dictionary<string, string> { [File.Exists(Path.Combine(folder, "tokenizer.json")) ? "tokenizer.json" : "tokenizer.model"] = sha.GetString()! }
            : sha.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        foreach (var (file, hash) in expected)
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, file))));
            Assert.True(actual == hash, $"{name}: {file} has sha256 {actual}, the golden was made from {hash}");
        }
    }

    /// <summary>A committed tokenizer folder (files/NAME, .gz files decompressed) copied into a temporary folder.</summary>
    internal static TempDirectory Committed(string name, params string[] files)
    {
        var temp = new TempDirectory();
        foreach (var file in files)
        {
            var source = GoldenFiles.Path("tokenizers", "files", name, file);
            if (File.Exists(source))
            {
                File.Copy(source, temp.File(file));
                continue;
            }

            using var input = new GZipStream(File.OpenRead(source + ".gz"), CompressionMode.Decompress);
            using var output = File.Create(temp.File(file));
            input.CopyTo(output);
        }

        return temp;
    }

    private static TempDirectory Local(string name)
    {
        var temp = new TempDirectory();
        File.Copy(ReferenceTokenizerFactAttribute.Folder(name)!.Replace('\\', '/') + "/tokenizer.json", temp.File("tokenizer.json"));
        return temp;
    }

    internal static string Describe(string s) => string.Concat(s.EnumerateRunes().Select(r => r.Value < 0x80 && !Rune.IsControl(r) ? r.ToString() : $"\\u{{{r.Value:X}}}"));
}
