using System.Text.Json.Nodes;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.Tokenization;

public sealed class HfTokenizerErrorTests : IDisposable
{
    private readonly TokenizerFixtures _fx = new();

    public void Dispose() => _fx.Dispose();

    private static void AssertOneLine(TokenizerLoadException ex, params string[] parts)
    {
        Assert.DoesNotContain('\n', ex.Message);
        foreach (var part in parts)
        {
            Assert.Contains(part, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Should_reject_a_folder_without_tokenizer_files()
    {
        // Given an empty folder, when loaded, then the error names the expected files
        var ex = Assert.Throws<TokenizerLoadException>(() => HfTokenizer.Load(_fx.NewFolder()));
        AssertOneLine(ex, "tokenizer.json", "tokenizer.model", "vocab.json");
        Assert.IsType<TokenizerLoadException>(Assert.ThrowsAny<IOException>(() => HfTokenizer.Load(Path.Combine(_fx.Root, "missing"))));
    }

    [Fact]
    public void Should_reject_vocab_json_without_merges_txt()
    {
        // Given only vocab.json, then the error names merges.txt
        var dir = _fx.NewFolder();
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{}");
        AssertOneLine(Assert.Throws<TokenizerLoadException>(() => HfTokenizer.Load(dir)), "merges.txt", "missing");
    }

    [Fact]
    public void Should_reject_invalid_json()
    {
        // Given a truncated tokenizer.json, then the error names the file and says invalid JSON
        var dir = _fx.NewFolder();
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), "{ \"model\": { \"type\": ");
        AssertOneLine(Assert.Throws<TokenizerLoadException>(() => HfTokenizer.Load(dir)), "tokenizer.json", "invalid JSON");

        // And the same for a broken tokenizer_config.json
        var dir2 = _fx.Folder(TokenizerFixtures.ByteLevelJson(TokenizerFixtures.TheMerges), ("tokenizer_config.json", "{bos_token"));
        AssertOneLine(Assert.Throws<TokenizerLoadException>(() => HfTokenizer.Load(dir2)), "tokenizer_config.json", "invalid JSON");
    }

    [Theory]
    [InlineData("WordPiece")]
    [InlineData("Unigram")]
    public void Should_reject_unsupported_model_types(string type)
    {
        // Given a tokenizer.json whose model is not BPE, then the error names the type
        var json = TokenizerFixtures.ByteLevelJson(TokenizerFixtures.TheMerges);
        json["model"]!["type"] = type;
        AssertOneLine(Assert.Throws<TokenizerLoadException>(() => HfTokenizer.Load(_fx.Folder(json))), "tokenizer.json", $"unsupported model type '{type}'");
    }

    [Fact]
    public void Should_reject_merges_that_refer_to_unknown_tokens()
    {
        // Given a merge "Ġt zz" where zz is not in the vocabulary
        var json = TokenizerFixtures.ByteLevelJson(TokenizerFixtures.TheMerges);
        ((JsonArray)json["model"]!["merges"]!).Add("Ġt zz");
        var ex = Assert.Throws<TokenizerLoadException>(() => HfTokenizer.Load(_fx.Folder(json)));
        AssertOneLine(ex, "tokenizer.json", "merge #3", "unknown token 'zz'");
    }

    [Fact]
    public void Should_reject_a_bpe_model_without_merges_as_the_rust_library_does()
    {
        // Given the same file without "merges", with "merges": null, and with "merges": [] (checked against npm
        // tokenizers 0.23.2: the first two are refused, the last is a valid character-level model)
        var missing = TokenizerFixtures.ByteLevelJson(TokenizerFixtures.TheMerges);
        ((JsonObject)missing["model"]!).Remove("merges");
        var nulled = TokenizerFixtures.ByteLevelJson(TokenizerFixtures.TheMerges);
        nulled["model"]!["merges"] = null;
        var empty = TokenizerFixtures.ByteLevelJson([]);

        foreach (var json in new[] { missing, nulled })
        {
            AssertOneLine(Assert.Throws<TokenizerLoadException>(() => HfTokenizer.Load(_fx.Folder(json))), "tokenizer.json", "has no \"merges\" list");
        }

        Assert.NotEmpty(HfTokenizer.Load(_fx.Folder(empty)).Encode("the", addSpecialTokens: false));
    }

    [Fact]
    public void Should_reject_unsupported_pipeline_parts()
    {
        // Given a BertPreTokenizer, then the error names it
        var json = TokenizerFixtures.ByteLevelJson(TokenizerFixtures.TheMerges, preTokenizer: new JsonObject { ["type"] = "BertPreTokenizer" });
        AssertOneLine(Assert.Throws<TokenizerLoadException>(() => HfTokenizer.Load(_fx.Folder(json))), "tokenizer.json", "BertPreTokenizer");
    }

    [Fact]
    public void Should_reject_a_broken_tokenizer_model()
    {
        // Given a tokenizer.model that is not a SentencePiece protobuf
        var dir = _fx.NewFolder();
        File.WriteAllBytes(Path.Combine(dir, "tokenizer.model"), [0xFF, 0xFF, 0xFF, 0x01, 0x02]);
        AssertOneLine(Assert.Throws<TokenizerLoadException>(() => HfTokenizer.Load(dir)), "tokenizer.model");
    }
}
