using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class SequenceDatasetTests
{
    private static readonly HyperfitRecipe Recipe = new() { Samples = 10, SequenceLength = 16, ValidationSequences = 5, TtrContextTokens = 4 };

    [Fact]
    public void Should_sample_deterministically_and_keep_validation_disjoint()
    {
        // Given 40 documents, some shorter than the sequence length
        var documents = TrainingFixtures.RandomDocuments(40, 8, 30);

        // When the same recipe samples them twice
        var first = SequenceDataset.FromDocuments(documents, Recipe);
        var second = SequenceDataset.FromDocuments(documents, Recipe);

        // Then both draws are equal, every sequence has L tokens, and no validation sequence is a training one
        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(first.Training, second.Training);
        Assert.All(first.Training.Concat(first.Validation), s => Assert.Equal(16, s.Length));
        Assert.Equal(documents.Count(d => d.Count >= 16), first.QualifyingDocuments);
        var training = first.Training.Select(s => string.Join(",", s)).ToHashSet();
        Assert.DoesNotContain(first.Validation, s => training.Contains(string.Join(",", s)));
        Assert.Equal(10, training.Count);
    }

    [Fact]
    public void Should_draw_other_samples_with_another_seed()
    {
        // Given 40 long documents
        var documents = TrainingFixtures.RandomDocuments(40, 16, 30);

        // When two seeds sample them
        var a = SequenceDataset.FromDocuments(documents, Recipe);
        var b = SequenceDataset.FromDocuments(documents, Recipe with { Seed = 43 });

        // Then the draws differ
        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void Should_say_how_many_documents_qualify_and_how_many_are_needed()
    {
        // Given 12 documents of which only some reach 16 tokens
        var documents = TrainingFixtures.RandomDocuments(12, 8, 20);
        var qualifying = documents.Count(d => d.Count >= 16);

        // When 15 sequences are asked for
        var error = Assert.Throws<ArgumentException>(() => SequenceDataset.FromDocuments(documents, Recipe, "tiny.jsonl"));

        // Then one line says how many qualify and how many are needed
        Assert.Equal($"tiny.jsonl: {qualifying} of 12 documents have at least 16 tokens; 15 are needed (10 training + 5 validation)", error.Message);
    }

    [Theory]
    [InlineData(DataVariant.Shuffle1)]
    [InlineData(DataVariant.ShuffleAll)]
    public void Should_keep_the_same_samples_in_another_order_for_the_shuffle_variants(DataVariant variant)
    {
        // Given the plain draw and a §6.1 variant of it
        var documents = TrainingFixtures.RandomDocuments(40, 16, 30);
        var plain = SequenceDataset.FromDocuments(documents, Recipe);
        var shuffled = SequenceDataset.FromDocuments(documents, Recipe with { Variant = variant });

        // When their samples are compared
        static string[] Keys(IEnumerable<int[]> s) => s.Select(x => string.Join(",", x)).ToArray();

        // Then the multisets are equal, the orders are not, and validation is untouched
        Assert.Equal(Keys(plain.Training).Order(), Keys(shuffled.Training).Order());
        Assert.NotEqual(Keys(plain.Training), Keys(shuffled.Training));
        Assert.Equal(plain.Validation, shuffled.Validation);
        if (variant == DataVariant.Shuffle1)
        {
            Assert.Equal(plain.Training[0], shuffled.Training[1]);
            Assert.Equal(plain.Training[1], shuffled.Training[0]);
            Assert.Equal(plain.Training.Skip(2), shuffled.Training.Skip(2));
        }
    }

    [Fact]
    public void Should_draw_each_epoch_order_from_the_seed_alone()
    {
        // Given a seed
        // When epoch orders are drawn twice
        var a = SequenceDataset.EpochOrder(42, 3, 50);
        var b = SequenceDataset.EpochOrder(42, 3, 50);

        // Then they are equal permutations, and another epoch is a different permutation
        Assert.Equal(a, b);
        Assert.Equal(Enumerable.Range(0, 50), a.Order());
        Assert.NotEqual(a, SequenceDataset.EpochOrder(42, 4, 50));
    }
}
