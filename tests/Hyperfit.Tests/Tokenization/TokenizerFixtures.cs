using System.Text.Json.Nodes;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.Tokenization;

/// <summary>Builds tiny Hugging Face tokenizer folders in a temp directory.</summary>
internal sealed class TokenizerFixtures : IDisposable
{
    public TokenizerFixtures()
    {
        Root = Path.Combine(Path.GetTempPath(), "hyperfit-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);

    public string NewFolder()
    {
        var dir = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Byte symbol of byte b in GPT-2's table: id b in the byte-level fixtures.</summary>
    public static string B(char c) => ByteLevelAlphabet.ByteToChar((byte)c).ToString();

    /// <summary>Vocab: ids 0..255 are the 256 byte symbols in byte order, then one id per merge result.</summary>
    public static List<string> ByteLevelVocab(IEnumerable<(string, string)> merges)
    {
        var vocab = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.ByteToChar((byte)b).ToString()).ToList();
        foreach (var (a, b) in merges)
        {
            if (!vocab.Contains(a + b))
            {
                vocab.Add(a + b);
            }
        }

        return vocab;
    }

    /// <summary>"Ġ t" (256), "h e" (257), "Ġt he" (258).</summary>
    public static readonly (string, string)[] TheMerges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he")];

    public static JsonObject VocabObject(IReadOnlyList<string> vocab)
    {
        var o = new JsonObject();
        for (var i = 0; i < vocab.Count; i++)
        {
            o[vocab[i]] = i;
        }

        return o;
    }

    public static JsonArray Added(params (int Id, string Content, bool Special)[] tokens) =>
        new(tokens.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.Id, ["content"] = t.Content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = !t.Special, ["special"] = t.Special,
        }).ToArray());

    public static JsonObject ByteLevelJson(IReadOnlyList<(string, string)> merges, bool mergesAsPairs = false, JsonArray? added = null,
        JsonNode? preTokenizer = null, JsonNode? postProcessor = null)
    {
        var vocab = ByteLevelVocab(merges);
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added ?? [],
            ["normalizer"] = null,
            ["pre_tokenizer"] = preTokenizer ?? new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = postProcessor,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null, ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["vocab"] = VocabObject(vocab),
                ["merges"] = new JsonArray(merges.Select(m => mergesAsPairs ? (JsonNode)new JsonArray(m.Item1, m.Item2) : JsonValue.Create(m.Item1 + " " + m.Item2)).ToArray()),
            },
        };
    }

    /// <summary>Llama-2-style vocab: &lt;unk&gt; 0, &lt;s&gt; 1, &lt;/s&gt; 2, &lt;0x00&gt;..&lt;0xFF&gt; 3..258, then ▁ h e l o w r d
    /// (259..266) and the merge results ▁h 267, ll 268, ▁he 269, ▁hell 270, ▁hello 271.</summary>
    public static JsonObject ByteFallbackJson(bool metaspace = false)
    {
        var vocab = new List<string> { "<unk>", "<s>", "</s>" };
        vocab.AddRange(Enumerable.Range(0, 256).Select(b => $"<0x{b:X2}>"));
        vocab.AddRange(["▁", "h", "e", "l", "o", "w", "r", "d", "▁h", "ll", "▁he", "▁hell", "▁hello"]);
        var merges = new JsonArray("▁ h", "l l", "▁h e", "▁he ll", "▁hell o");
        JsonNode? normalizer = metaspace ? null : new JsonObject
        {
            ["type"] = "Sequence",
            ["normalizers"] = new JsonArray(
                new JsonObject { ["type"] = "Prepend", ["prepend"] = "▁" },
                new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = "▁" }),
        };
        JsonNode? pre = metaspace ? new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["add_prefix_space"] = true } : null;
        JsonNode decoder = metaspace
            ? new JsonObject { ["type"] = "Sequence", ["decoders"] = new JsonArray(
                new JsonObject { ["type"] = "ByteFallback" },
                new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["add_prefix_space"] = true }) }
            : new JsonObject
            {
                ["type"] = "Sequence",
                ["decoders"] = new JsonArray(
                    new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = "▁" }, ["content"] = " " },
                    new JsonObject { ["type"] = "ByteFallback" },
                    new JsonObject { ["type"] = "Fuse" },
                    new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 }),
            };
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = Added((0, "<unk>", true), (1, "<s>", true), (2, "</s>", true)),
            ["normalizer"] = normalizer,
            ["pre_tokenizer"] = pre,
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "<s>", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } }),
                ["pair"] = new JsonArray(),
                ["special_tokens"] = new JsonObject { ["<s>"] = new JsonObject { ["id"] = "<s>", ["ids"] = new JsonArray(1), ["tokens"] = new JsonArray("<s>") } },
            },
            ["decoder"] = decoder,
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = "<unk>", ["continuing_subword_prefix"] = null, ["end_of_word_suffix"] = null,
                ["fuse_unk"] = true, ["byte_fallback"] = true, ["vocab"] = VocabObject(vocab), ["merges"] = merges,
            },
        };
    }

    public string Folder(JsonNode tokenizerJson, params (string File, string Content)[] extra)
    {
        var dir = NewFolder();
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), tokenizerJson.ToJsonString());
        foreach (var (file, content) in extra)
        {
            File.WriteAllText(Path.Combine(dir, file), content);
        }

        return dir;
    }
}
