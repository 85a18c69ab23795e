using System.Text.Json.Nodes;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.Tokenization;

public sealed class HfTokenizerTests : IDisposable
{
    private readonly TokenizerFixtures _fx = new();

    public void Dispose() => _fx.Dispose();

    private HfTokenizer ByteLevel(bool mergesAsPairs = false, JsonArray? added = null, params (string, string)[] extra) =>
        HfTokenizer.Load(_fx.Folder(TokenizerFixtures.ByteLevelJson(TokenizerFixtures.TheMerges, mergesAsPairs, added), extra));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_encode_byte_level_BPE_with_hand_derived_ids(bool mergesAsPairs)
    {
        // Given bytes 0..255 as ids 0..255 and merges "Ġ t"→256, "h e"→257, "Ġt he"→258 (as strings or as pairs)
        var tok = ByteLevel(mergesAsPairs);

        // When "the the" is encoded, then "the" = t(116) he(257) and " the" = Ġthe(258)
        Assert.Equal([116, 257, 258], tok.Encode("the the"));
        // And a word split across tokens: " tea" = Ġt(256) e(101) a(97)
        Assert.Equal([256, 101, 97], tok.Encode(" tea"));
        Assert.Equal("byte-level BPE (tokenizer.json)", tok.Kind);
        Assert.Equal(259, tok.VocabSize);
        Assert.Equal("Ġthe", tok.IdToToken(258));
        Assert.Equal(257, tok.TokenToId("he"));
        Assert.Null(tok.TokenToId("nope"));
    }

    [Fact]
    public void Should_apply_merges_in_rank_order()
    {
        // Given two tokenizers with the same merges "a b" and "b c" in opposite orders
        var abFirst = HfTokenizer.Load(_fx.Folder(TokenizerFixtures.ByteLevelJson([("a", "b"), ("b", "c")])));
        var bcFirst = HfTokenizer.Load(_fx.Folder(TokenizerFixtures.ByteLevelJson([("b", "c"), ("a", "b")])));

        // When "abc" is encoded, then the lower-ranked merge wins: ab(256) c(99) versus a(97) bc(256)
        Assert.Equal([256, 99], abFirst.Encode("abc"));
        Assert.Equal([97, 256], bcFirst.Encode("abc"));
        Assert.Equal("ab", abFirst.IdToToken(256));
        Assert.Equal("bc", bcFirst.IdToToken(256));
    }

    [Theory]
    [InlineData("the the")]
    [InlineData("Hello, wörld! café 😀\n\tthe  end  ")]
    [InlineData("日本語のテキスト")]
    [InlineData("")]
    public void Should_round_trip_byte_level_text(string text)
    {
        // Given the byte-level tokenizer, when text is encoded and decoded, then it comes back unchanged
        var tok = ByteLevel();
        Assert.Equal(text, tok.Decode(tok.Encode(text, addSpecialTokens: false)));
    }

    [Fact]
    public void Should_encode_non_ascii_as_byte_symbols()
    {
        // Given the byte-level tokenizer, when "é" (UTF-8 C3 A9) is encoded, then each byte is a token
        var tok = ByteLevel();
        Assert.Equal([0xC3, 0xA9], tok.Encode("é"));
        // And an emoji is its four UTF-8 bytes
        Assert.Equal([0xF0, 0x9F, 0x98, 0x80], tok.Encode("😀"));
    }

    [Fact]
    public void Should_split_out_an_added_special_token_in_the_middle_of_text()
    {
        // Given an added special token <|endoftext|> with id 259
        var tok = ByteLevel(added: TokenizerFixtures.Added((259, "<|endoftext|>", true)));

        // When it appears in the middle of text, then it is one id and the text around it is encoded alone
        var ids = tok.Encode("the<|endoftext|> the");
        Assert.Equal([116, 257, 259, 258], ids);
        Assert.True(tok.IsSpecial(259));
        Assert.Equal(259, tok.SpecialTokens["<|endoftext|>"]);
        Assert.Equal(260, tok.VocabSize);

        // Then decoding keeps or skips it
        Assert.Equal("the<|endoftext|> the", tok.Decode(ids));
        Assert.Equal("the the", tok.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Should_add_BOS_when_tokenizer_config_asks()
    {
        // Given a <|bos|> added token and tokenizer_config.json with bos_token as an object and add_bos_token
        var tok = ByteLevel(false, TokenizerFixtures.Added((259, "<|bos|>", true)),
            ("tokenizer_config.json", """{"bos_token": {"content": "<|bos|>", "lstrip": false}, "add_bos_token": true, "add_eos_token": false}"""));

        // When text is encoded with special tokens, then BOS comes first; without, it does not
        Assert.Equal(259, tok.BosTokenId);
        Assert.True(tok.AddBosToken);
        Assert.False(tok.AddEosToken);
        Assert.Equal([259, 116, 257], tok.Encode("the"));
        Assert.Equal([116, 257], tok.Encode("the", addSpecialTokens: false));
    }

    [Fact]
    public void Should_read_the_EOS_list_from_generation_config()
    {
        // Given eos_token <|eot|> (260) in tokenizer_config.json and eos_token_id [259, 260] in generation_config.json
        var tok = ByteLevel(false, TokenizerFixtures.Added((259, "<|end|>", true), (260, "<|eot|>", true)),
            ("tokenizer_config.json", """{"eos_token": "<|eot|>", "pad_token": null}"""),
            ("generation_config.json", """{"bos_token_id": 259, "eos_token_id": [259, 260], "pad_token_id": 259}"""));

        // Then the tokenizer's eos comes first and the list holds each id once
        Assert.Equal(260, tok.EosTokenId);
        Assert.Equal([260, 259], tok.EosTokenIds);
        Assert.Equal(259, tok.BosTokenId);
        Assert.Equal(259, tok.PadTokenId);
        Assert.False(tok.AddBosToken);
    }

    [Fact]
    public void Should_read_a_single_EOS_id_from_generation_config()
    {
        // Given only generation_config.json with eos_token_id 259, then it is the eos
        var tok = ByteLevel(false, TokenizerFixtures.Added((259, "<|end|>", true)),
            ("generation_config.json", """{"eos_token_id": 259}"""));
        Assert.Equal(259, tok.EosTokenId);
        Assert.Equal([259], tok.EosTokenIds);
    }

    [Fact]
    public void Should_give_the_same_ids_from_vocab_json_and_merges_txt()
    {
        // Given the same vocabulary and merges as tokenizer.json and as vocab.json + merges.txt
        var json = ByteLevel();
        var dir = _fx.NewFolder();
        var vocab = TokenizerFixtures.ByteLevelVocab(TokenizerFixtures.TheMerges);
        File.WriteAllText(Path.Combine(dir, "vocab.json"), TokenizerFixtures.VocabObject(vocab).ToJsonString());
        File.WriteAllLines(Path.Combine(dir, "merges.txt"), ["#version: 0.2", .. TokenizerFixtures.TheMerges.Select(m => m.Item1 + " " + m.Item2)]);
        var files = HfTokenizer.Load(dir);

        // When the same texts are encoded, then the ids are the same and decode round-trips
        Assert.Equal("byte-level BPE (vocab.json+merges.txt)", files.Kind);
        foreach (var text in new[] { "the the", "Hello, wörld! 😀\n the", " tea" })
        {
            Assert.Equal(json.Encode(text), files.Encode(text));
            Assert.Equal(text, files.Decode(files.Encode(text)));
        }
    }

    [Fact]
    public void Should_prefer_tokenizer_json_over_vocab_and_merges()
    {
        // Given a folder with tokenizer.json and a (different, broken) vocab.json + merges.txt
        var dir = _fx.Folder(TokenizerFixtures.ByteLevelJson(TokenizerFixtures.TheMerges), ("vocab.json", "{}"), ("merges.txt", "x y"));

        // When loaded, then tokenizer.json is used
        Assert.Equal("byte-level BPE (tokenizer.json)", HfTokenizer.Load(dir).Kind);
    }

    [Fact]
    public void Should_use_the_Split_regex_then_ByteLevel_without_regex()
    {
        // Given the Llama 3 style pre-tokenizer Sequence[Split(digits of up to 3, Isolated), ByteLevel(use_regex=false)]
        var pre = new JsonObject
        {
            ["type"] = "Sequence",
            ["pretokenizers"] = new JsonArray(
                new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = @"\p{N}{1,3}| ?\p{L}+|\s+" }, ["behavior"] = "Isolated", ["invert"] = false },
                new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false }),
        };
        var merges = new[] { ("1", "2"), ("12", "3"), ("3", "4") };
        var tok = HfTokenizer.Load(_fx.Folder(TokenizerFixtures.ByteLevelJson(merges, preTokenizer: pre)));

        // When "1234" is encoded, then digits are split 123|4 first, so "3 4" never merges: 123(257) 4(52)
        Assert.Equal([257, 52], tok.Encode("1234"));
        Assert.Equal("1234 x", tok.Decode(tok.Encode("1234 x")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_encode_BPE_with_byte_fallback(bool metaspace)
    {
        // Given a Llama-2-style tokenizer.json (Prepend+Replace normalizer, or the older Metaspace pre-tokenizer)
        var tok = HfTokenizer.Load(_fx.Folder(TokenizerFixtures.ByteFallbackJson(metaspace)));

        // When "hello é" is encoded, then BOS(1) ▁hello(271) ▁(259) and é as <0xC3>(3+0xC3) <0xA9>(3+0xA9)
        var ids = tok.Encode("hello é");
        Assert.Equal([1, 271, 259, 3 + 0xC3, 3 + 0xA9], ids);
        Assert.Equal("BPE with byte fallback (tokenizer.json)", tok.Kind);
        Assert.True(tok.AddBosToken);
        Assert.Equal(1, tok.BosTokenId);
        Assert.Equal(0, tok.UnkTokenId);

        // Then decoding strips the one leading space and rebuilds é from its bytes
        Assert.Equal("hello é", tok.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("hello world 😀", tok.Decode(tok.Encode("hello world 😀", addSpecialTokens: false)));
        // And a word split across tokens: "hell" = ▁hell(270), "lo" = l(262) o(263)
        Assert.Equal([270, 259, 262, 263], tok.Encode("hell lo", addSpecialTokens: false));
    }

    [Fact]
    public void Should_let_tokenizer_config_turn_off_BOS_and_add_EOS()
    {
        // Given the byte-fallback tokenizer and a config with add_bos_token false, add_eos_token true
        var tok = HfTokenizer.Load(_fx.Folder(TokenizerFixtures.ByteFallbackJson(),
            ("tokenizer_config.json", """{"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "add_bos_token": false, "add_eos_token": true}""")));

        // Then encoding adds only EOS
        Assert.Equal([271, 2], tok.Encode("hello"));
        Assert.False(tok.AddBosToken);
        Assert.True(tok.AddEosToken);
    }

    [Fact]
    public void Should_split_special_tokens_out_of_byte_fallback_text()
    {
        // Given the byte-fallback tokenizer, when </s> sits between words, then each side is normalized alone
        var tok = HfTokenizer.Load(_fx.Folder(TokenizerFixtures.ByteFallbackJson()));
        Assert.Equal([271, 2, 271], tok.Encode("hello</s>hello", addSpecialTokens: false));
        Assert.Equal("hello</s> hello", tok.Decode([271, 2, 271]));
    }

    [Fact]
    public void Should_say_which_tokens_start_a_word()
    {
        // Given the byte-level tokenizer with comma merges and a special token
        var merges = TokenizerFixtures.TheMerges.Append((",", "Ġ")).ToArray();
        var tok = HfTokenizer.Load(_fx.Folder(TokenizerFixtures.ByteLevelJson(merges, added: TokenizerFixtures.Added((300, "<|end|>", true)))));

        // Then Ġthe, ",Ġ", newline and specials start a word; "he", "t" and a UTF-8 continuation byte do not
        Assert.True(tok.StartsWord(258));
        Assert.True(tok.StartsWord(tok.TokenToId(",Ġ")!.Value));
        Assert.True(tok.StartsWord('\n'));
        Assert.True(tok.StartsWord(300));
        Assert.False(tok.StartsWord(257));
        Assert.False(tok.StartsWord('t'));
        Assert.False(tok.StartsWord(0xA9));
        Assert.False(tok.StartsWord(299));
        Assert.False(tok.StartsWord(-1));

        // And with byte fallback: ▁hello and <0x0A> start a word; ll and <0xC3> do not
        var fb = HfTokenizer.Load(_fx.Folder(TokenizerFixtures.ByteFallbackJson()));
        Assert.True(fb.StartsWord(271));
        Assert.True(fb.StartsWord(3 + 0x0A));
        Assert.False(fb.StartsWord(268));
        Assert.False(fb.StartsWord(3 + 0xC3));
    }

    [Fact]
    public void Should_validate_against_the_model_vocab_size()
    {
        // Given a tokenizer with 259 ids
        var tok = ByteLevel();

        // Then a model with more rows is fine and one with fewer is rejected in one line
        tok.ValidateAgainstModel(259, "m");
        tok.ValidateAgainstModel(320, "m");
        var ex = Assert.Throws<TokenizerLoadException>(() => tok.ValidateAgainstModel(258, "m"));
        Assert.Contains("258", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
