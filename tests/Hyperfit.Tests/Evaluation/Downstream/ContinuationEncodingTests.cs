using Hyperfit.Evaluation.Downstream;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.Evaluation.Downstream;

public sealed class ContinuationEncodingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_split_the_whole_encoding_at_the_context_encodings_length_after_moving_trailing_spaces()
    {
        // Given a byte-level BPE and a context ending in white space
        var tokenizer = HfTokenizer.Load(DownstreamFiles.TinyModel(_dir.File("m")));
        const string context = "Question: Does this sentence make sense?\nAnswer:  ";

        // When the pair is encoded
        var (contextIds, continuation) = ContinuationEncoding.Encode(tokenizer, context, "yes");

        // Then the context is encoded without its trailing spaces, and the continuation is the rest of the whole text
        var trimmed = tokenizer.Encode("Question: Does this sentence make sense?\nAnswer:").ToArray();
        var whole = tokenizer.Encode("Question: Does this sentence make sense?\nAnswer:  yes").ToArray();
        Assert.Equal(trimmed, contextIds);
        Assert.Equal(whole[trimmed.Length..], continuation);
        Assert.Equal("  yes", tokenizer.Decode(continuation));
    }

    [Fact]
    public void Should_take_the_official_answer_id_from_the_letter_encoded_alone()
    {
        var tokenizer = HfTokenizer.Load(DownstreamFiles.TinyModel(_dir.File("m")));
        foreach (var letter in MmluQuestion.Letters)
        {
            // tokenizer("A").input_ids[-1]: no leading space, so not the id of " A"
            Assert.Equal(tokenizer.Encode(letter)[^1], ContinuationEncoding.LastIdOf(tokenizer, letter));
            Assert.Equal(letter, tokenizer.Decode([ContinuationEncoding.LastIdOf(tokenizer, letter)]));
        }
    }
}
