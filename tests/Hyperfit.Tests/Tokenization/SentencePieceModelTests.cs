using Google.Protobuf;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.Tokenization;

public sealed class SentencePieceModelTests : IDisposable
{
    private readonly TokenizerFixtures _fx = new();

    public void Dispose() => _fx.Dispose();

    /// <summary>A tiny SentencePiece BPE ModelProto written field by field (sentencepiece_model.proto):
    /// &lt;unk&gt; 0, &lt;s&gt; 1, &lt;/s&gt; 2, &lt;0x00&gt;..&lt;0xFF&gt; 3..258, ▁ h e l o 259..263, ▁h 264, ll 265,
    /// ▁he 266, ▁hell 267, ▁hello 268 (higher score = merged earlier).</summary>
    private static byte[] TinyModel()
    {
        var pieces = new List<(string Piece, float Score, int Type)> { ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3) };
        pieces.AddRange(Enumerable.Range(0, 256).Select(b => ($"<0x{b:X2}>", 0f, 6)));
        pieces.AddRange([("▁", -10, 1), ("h", -11, 1), ("e", -12, 1), ("l", -13, 1), ("o", -14, 1),
            ("▁h", -1, 1), ("ll", -2, 1), ("▁he", -3, 1), ("▁hell", -4, 1), ("▁hello", -5, 1)]);

        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        foreach (var (piece, score, type) in pieces)
        {
            var inner = Message(o =>
            {
                o.WriteTag(1, WireFormat.WireType.LengthDelimited);
                o.WriteString(piece);
                o.WriteTag(2, WireFormat.WireType.Fixed32);
                o.WriteFloat(score);
                o.WriteTag(3, WireFormat.WireType.Varint);
                o.WriteEnum(type);
            });
            output.WriteTag(1, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(inner));
        }

        var trainer = Message(o =>
        {
            o.WriteTag(3, WireFormat.WireType.Varint);
            o.WriteEnum(2); // BPE
            o.WriteTag(35, WireFormat.WireType.Varint);
            o.WriteBool(true); // byte_fallback
            o.WriteTag(40, WireFormat.WireType.Varint);
            o.WriteInt32(0); // unk_id
            o.WriteTag(41, WireFormat.WireType.Varint);
            o.WriteInt32(1); // bos_id
            o.WriteTag(42, WireFormat.WireType.Varint);
            o.WriteInt32(2); // eos_id
            o.WriteTag(43, WireFormat.WireType.Varint);
            o.WriteInt32(-1); // pad_id
        });
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(trainer));
        var normalizer = Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString("identity");
            o.WriteTag(3, WireFormat.WireType.Varint);
            o.WriteBool(true); // add_dummy_prefix
            o.WriteTag(4, WireFormat.WireType.Varint);
            o.WriteBool(false); // remove_extra_whitespaces
            o.WriteTag(5, WireFormat.WireType.Varint);
            o.WriteBool(true); // escape_whitespaces
        });
        output.WriteTag(3, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(normalizer));
        output.Flush();
        return buffer.ToArray();
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return buffer.ToArray();
    }

    [Fact]
    public void Should_load_tokenizer_model_through_ML_Tokenizers()
    {
        // Given a folder with only a tiny SentencePiece BPE tokenizer.model (byte fallback on)
        var dir = _fx.NewFolder();
        File.WriteAllBytes(Path.Combine(dir, "tokenizer.model"), TinyModel());

        // When loaded and "hello é" is encoded
        var tok = HfTokenizer.Load(dir);
        var ids = tok.Encode("hello é");

        // Then BOS(1) ▁hello(268) ▁(259) <0xC3>(3+0xC3) <0xA9>(3+0xA9), and decoding gives the text back
        Assert.Equal("SentencePiece (tokenizer.model)", tok.Kind);
        Assert.Equal([1, 268, 259, 3 + 0xC3, 3 + 0xA9], ids);
        Assert.Equal("hello é", tok.Decode(ids, skipSpecialTokens: true));
        Assert.Equal(1, tok.BosTokenId);
        Assert.Equal(2, tok.EosTokenId);
        Assert.Equal(0, tok.UnkTokenId);
        Assert.True(tok.AddBosToken);
        Assert.Equal(269, tok.VocabSize);
        Assert.True(tok.IsSpecial(1));
        Assert.True(tok.StartsWord(268));
        Assert.False(tok.StartsWord(265));
    }

    [Fact]
    public void Should_prefer_tokenizer_model_over_vocab_and_merges_and_honour_config()
    {
        // Given tokenizer.model next to vocab.json + merges.txt, and add_eos_token in tokenizer_config.json
        var dir = _fx.NewFolder();
        File.WriteAllBytes(Path.Combine(dir, "tokenizer.model"), TinyModel());
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{}");
        File.WriteAllText(Path.Combine(dir, "merges.txt"), "");
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"add_bos_token": false, "add_eos_token": true, "eos_token": "</s>"}""");

        // Then the SentencePiece model is used and only EOS is added
        var tok = HfTokenizer.Load(dir);
        Assert.Equal("SentencePiece (tokenizer.model)", tok.Kind);
        Assert.Equal([268, 2], tok.Encode("hello"));
    }
}
