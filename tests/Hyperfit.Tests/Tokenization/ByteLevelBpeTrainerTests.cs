using System.Text;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.Tokenization;

public sealed class ByteLevelBpeTrainerTests : IDisposable
{
    private readonly TokenizerFixtures _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public void Should_write_a_tokenizer_json_that_loads_back()
    {
        // Given the byte vocabulary with merges Ġ t, h e, Ġt he and one special token, written as tokenizer.json
        var dir = _fx.NewFolder();
        ByteLevelBpeTokenizerJson.Write(Path.Combine(dir, "tokenizer.json"), TokenizerFixtures.ByteLevelVocab(TokenizerFixtures.TheMerges),
            TokenizerFixtures.TheMerges, ["<|endoftext|>"]);

        // When it is loaded, then it encodes as the hand-built one and the special token follows the vocabulary
        var tok = HfTokenizer.Load(dir);
        Assert.Equal("byte-level BPE (tokenizer.json)", tok.Kind);
        Assert.Equal(260, tok.VocabSize);
        Assert.Equal([116, 257, 259, 258], tok.Encode("the<|endoftext|> the"));
        Assert.True(tok.IsSpecial(259));
        Assert.Contains("\"Ġthe\": 258", File.ReadAllText(Path.Combine(dir, "tokenizer.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_learn_the_most_frequent_pair_first()
    {
        // Given "ab ab ab": words "ab" ×1 and "Ġab" ×2, so (a,b) occurs 3 times and (Ġ,a) twice
        var result = ByteLevelBpeTrainer.Train(["ab ab ab"], 256 + 2 + 1, ["<|endoftext|>"]);

        // Then "a b" is merged first, then "Ġ ab"; the vocabulary grows to the requested size
        Assert.Equal([("a", "b"), ("Ġ", "ab")], result.Merges);
        Assert.Equal("ab", result.Vocab[256]);
        Assert.Equal("Ġab", result.Vocab[257]);
        Assert.Equal(259, result.VocabSize);

        // And the written tokenizer uses them
        var dir = _fx.NewFolder();
        result.WriteTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        var tok = HfTokenizer.Load(dir);
        Assert.Equal([256, 257, 258], tok.Encode("ab ab<|endoftext|>"));
    }

    [Fact]
    public void Should_break_ties_by_ordinal_token_strings()
    {
        // Given three pairs that each occur twice: (c,d), (Ġ,a), (a,b)
        var result = ByteLevelBpeTrainer.Train(["cd ab", "cd ab"], 256 + 3, []);

        // Then they are merged smallest left string first: "a" < "c" < "Ġ" (U+0120)
        Assert.Equal([("a", "b"), ("c", "d"), ("Ġ", "ab")], result.Merges);
    }

    [Fact]
    public void Should_stop_when_no_pair_is_frequent_enough()
    {
        // Given text where every pair occurs once, then nothing is merged
        var result = ByteLevelBpeTrainer.Train(["xyz"], 1000, []);
        Assert.Empty(result.Merges);
        Assert.Equal(256, result.Vocab.Count);
    }

    [Fact]
    public void Should_train_deterministically_on_a_few_hundred_KB()
    {
        // Given ~300 KB of pseudo-random words from a fixed seed
        var random = new Random(1234);
        var syllables = new[] { "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "é", "ü", "ing", "the", "and" };
        var texts = Enumerable.Range(0, 300).Select(_ =>
        {
            var sb = new StringBuilder();
            while (sb.Length < 1000)
            {
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    sb.Append(syllables[random.Next(syllables.Length)]);
                }

                sb.Append(random.Next(12) == 0 ? ".\n" : " ");
            }

            return sb.ToString();
        }).ToList();

        // When trained twice for 1,500 merges (no timing here: training speed has no benchmark yet; one would go next
        // to `hyperfit bench tokenize` in Cli/Commands/BenchCommand.cs)
        var first = ByteLevelBpeTrainer.Train(texts, 256 + 1500 + 1, ["<|endoftext|>"]);
        var second = ByteLevelBpeTrainer.Train(texts, 256 + 1500 + 1, ["<|endoftext|>"]);

        // Then the results are identical and the tokenizer round-trips the text
        Assert.Equal(first.Merges, second.Merges);
        Assert.Equal(first.Vocab, second.Vocab);
        var dir = _fx.NewFolder();
        first.WriteTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        var tok = HfTokenizer.Load(dir);
        var ids = tok.Encode(texts[0], addSpecialTokens: false);
        Assert.Equal(texts[0], tok.Decode(ids));
        Assert.True(ids.Count < texts[0].Length / 2, $"{ids.Count} tokens for {texts[0].Length} chars");
    }
}
