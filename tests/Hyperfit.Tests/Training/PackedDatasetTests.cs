using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class PackedDatasetTests
{
    private const int Eos = 2;

    private static readonly HyperfitRecipe Recipe = new()
    {
        DataMode = DataMode.Pack, Samples = 0, SequenceLength = 4, ValidationSequences = 2, TtrContextTokens = 2, Seed = 3,
    };

    private static List<IReadOnlyList<int>> Documents() =>
    [
        new[] { 10, 11, 12 },
        new[] { 20, 21, 22, 23, 24, 25, Eos }, // already ends with EOS: no second one
        Array.Empty<int>(),
        new[] { 30, 31, 32, 33, 34, 35, 36, 37, 38 },
    ];

    [Fact]
    public void Should_concatenate_documents_with_eos_and_cut_consecutive_sequences()
    {
        // Given documents of 3, 7 (ending in EOS), 0 and 9 tokens: a stream of 4 + 7 + 10 = 21 tokens
        // When they are packed into sequences of 4 with 2 held out
        var data = SequenceDataset.Pack(Documents(), Eos, Recipe);

        // Then the 5 full sequences (the last token dropped) are split 3 training + 2 validation, each set in stream order,
        // together exactly the stream
        int[][] expected =
        [
            [10, 11, 12, Eos], [20, 21, 22, 23], [24, 25, Eos, 30], [31, 32, 33, 34], [35, 36, 37, 38],
        ];
        Assert.Equal((3, 2, 3, 4), (data.Training.Count, data.Validation.Count, data.QualifyingDocuments, data.TotalDocuments));
        Assert.Equal(expected.Select(s => string.Join(",", s)).Order(),
            data.Training.Concat(data.Validation).Select(s => string.Join(",", s)).Order());
        var position = (int[] s) => Array.FindIndex(expected, e => e.SequenceEqual(s));
        Assert.Equal(data.Training.Select(position).Order(), data.Training.Select(position));
        Assert.Equal(data.Validation.Select(position).Order(), data.Validation.Select(position));
    }

    [Fact]
    public void Should_pick_the_same_split_for_the_same_seed_and_another_for_another()
    {
        // Given a longer random corpus
        var documents = TrainingFixtures.RandomDocuments(30, 5, 40);

        // When it is packed twice with seed 3 and once with seed 4
        var a = SequenceDataset.Pack(documents, Eos, Recipe);
        var b = SequenceDataset.Pack(documents, Eos, Recipe);
        var c = SequenceDataset.Pack(documents, Eos, Recipe with { Seed = 4 });

        // Then the seed fixes the split (the hash covers every id), and a fixed sample count takes that many
        Assert.Equal(a.Hash, b.Hash);
        Assert.NotEqual(a.Hash, c.Hash);
        Assert.Equal(7, SequenceDataset.Pack(documents, Eos, Recipe with { Samples = 7 }).Training.Count);
    }

    [Fact]
    public void Should_say_how_many_sequences_the_tokens_pack_into_when_too_few()
    {
        // Given 21 tokens, 5 sequences of 4
        // When 10 training sequences are asked for
        var error = Assert.Throws<ArgumentException>(() => SequenceDataset.Pack(Documents(), Eos, Recipe with { Samples = 10 }, "d.jsonl"));

        // Then the message gives tokens, documents, sequences and the need
        Assert.Equal("d.jsonl: 21 tokens from 3 documents pack into 5 sequences of 4; 12 are needed (10 training + 2 validation)", error.Message);
    }
}
