using Hyperfit.Data.Brown;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.Data.Brown;

public sealed class BrownSplitTests
{
    /// <summary>One held-out text per set, same names as the standard plan.</summary>
    internal static readonly BrownSplitPlan SmallPlan = new(
        [
            new("fiction", new Dictionary<char, int> { ['L'] = 1 }),
            new("learned", new Dictionary<char, int> { ['J'] = 1 }),
            new("press", new Dictionary<char, int> { ['A'] = 1 }),
        ],
        Seed: "test-seed",
        MinChunkWords: 60);

    [Fact]
    public void Should_send_non_fiction_to_pretrain_and_fiction_to_hyperfit_minus_held_out_texts()
    {
        // Given three texts of every genre
        var documents = BrownCorpusFakes.Ids(3).Select(id => BrownCorpusFakes.Document(id)).ToList();

        // When split with the standard-shaped small plan
        var split = BrownSplit.Split(documents, SmallPlan);

        // Then pretrain is A–J only, hyperfit K–R only, held-out sets come from their genres
        Assert.All(split.Pretrain, d => Assert.Contains(d.Genre, "ABCDEFGHJ"));
        Assert.All(split.Hyperfit, d => Assert.Contains(d.Genre, "KLMNPR"));
        Assert.Equal(["fiction", "learned", "press"], split.HeldOut.Select(s => s.Name));
        Assert.All(split.HeldOut[0].Texts, d => Assert.Equal('L', d.Genre));
        Assert.All(split.HeldOut[1].Texts, d => Assert.Equal('J', d.Genre));
        Assert.All(split.HeldOut[2].Texts, d => Assert.Equal('A', d.Genre));

        // Then the five sets are disjoint and together hold every text exactly once
        var all = split.Pretrain.Concat(split.Hyperfit).Concat(split.HeldOut.SelectMany(s => s.Texts)).Select(d => d.Id).ToList();
        Assert.Equal(documents.Count, all.Count);
        Assert.Equal(documents.Select(d => d.Id).Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        Assert.Equal(9 * 3 - 2, split.Pretrain.Count);
        Assert.Equal(6 * 3 - 1, split.Hyperfit.Count);
    }

    [Fact]
    public void Should_select_the_same_texts_whatever_the_input_order()
    {
        // Given the same ids in two orders, when held-out texts are selected, then the selections are equal
        var ids = BrownCorpusFakes.Ids(20);
        var shuffled = ids.Reverse().ToList();
        var a = BrownSplit.SelectHeldOut(ids, BrownSplitPlan.Standard);
        var b = BrownSplit.SelectHeldOut(shuffled, BrownSplitPlan.Standard);
        Assert.Equal(a.Select(s => s.Ids), b.Select(s => s.Ids));

        // Then each set has the planned number per genre, and a different seed changes the choice
        Assert.Equal([15, 15, 15], a.Select(s => s.Ids.Count));
        var reseeded = BrownSplit.SelectHeldOut(ids, BrownSplitPlan.Standard with { Seed = "another" });
        Assert.NotEqual(a.SelectMany(s => s.Ids), reseeded.SelectMany(s => s.Ids));
    }

    [Fact]
    public void Should_rank_by_the_documented_sha256_of_seed_and_id()
    {
        // Given the documented rule, when ranking, then the key is sha256("seed:id") in lower-case hex
        // (reference value: printf 'hyperfit-brown-v1:ca01' | sha256sum)
        Assert.Equal("062105a45eff2f98ba5bdb2587ada2b50cab7ffbebc00fd29e4ac1d5ac465fb3", BrownSplit.RankKey("hyperfit-brown-v1", "ca01"));
    }

    [Fact]
    public void Should_write_byte_identical_files_twice()
    {
        // Given the same fake package generated into two folders, when compared, then the files are byte-identical
        using var dir = new TempDirectory();
        var source = Directory.CreateDirectory(Path.Combine(dir.Path, "src")).FullName;
        BrownCorpusFakes.WritePackage(source, BrownCorpusFakes.Ids(2));
        var plan = SmallPlan with { MinChunkWords = 5 };
        var first = BrownDataset.Generate(source, Path.Combine(dir.Path, "a"), plan);
        BrownDataset.Generate(source, Path.Combine(dir.Path, "b"), plan);
        foreach (var s in first)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.Path, "a", s.File)), File.ReadAllBytes(Path.Combine(dir.Path, "b", s.File)));
        }
    }

    [Fact]
    public void Should_refuse_a_plan_a_genre_cannot_satisfy()
    {
        // Given only two J texts, when the standard plan wants 15, then an ArgumentException says so
        var ids = BrownCorpusFakes.Ids(2);
        var e = Assert.Throws<ArgumentException>(() => BrownSplit.SelectHeldOut(ids, BrownSplitPlan.Standard));
        Assert.Contains("only 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_chunk_whole_paragraphs_to_the_minimum_and_fold_the_tail_into_the_last_chunk()
    {
        // Given 7 paragraphs of 25 words and a 60-word minimum
        var document = BrownCorpusFakes.Document("cl01", paragraphs: 7, wordsEach: 25);

        // When chunked
        var chunks = BrownSplit.Chunk(document, 60);

        // Then chunks are 3 + 4 paragraphs (the 1-paragraph tail joins the second), ids numbered, nothing lost
        Assert.Equal(["cl01-01", "cl01-02"], chunks.Select(c => c.Id));
        Assert.Equal([75, 100], chunks.Select(c => c.WordCount));
        Assert.All(chunks, c => Assert.Equal("cl01", c.TextId));
        Assert.Equal(document.Text, string.Join("\n\n", chunks.Select(c => c.Text)));
        Assert.All(chunks, c => Assert.Equal(("L", "mystery"), (c.Genre, c.Category)));

        // Given a text shorter than the minimum, when chunked, then it gives no chunk
        Assert.Empty(BrownSplit.Chunk(BrownCorpusFakes.Document("cl02", 1, 10), 60));
    }

    [Fact]
    public void Should_round_trip_records_through_jsonl_with_plain_quotes()
    {
        // Given a record with quotes, an apostrophe and paragraph breaks, when serialized,
        // then the field order is fixed, quotes are escaped as \" and reading back gives the same record
        var record = new BrownRecord("ck01", "K", "fiction", "He said \"it's late\".\n\nNext.");
        Assert.Equal("{\"id\":\"ck01\",\"genre\":\"K\",\"category\":\"fiction\",\"text\":\"He said \\\"it's late\\\".\\n\\nNext.\"}",
            BrownJsonl.Serialize(record));
        using var dir = new TempDirectory();
        BrownJsonl.Write(dir.File("x.jsonl"), [record, record with { Id = "ck02" }]);
        Assert.Equal([record, record with { Id = "ck02" }], BrownJsonl.Read(dir.File("x.jsonl")));
    }
}
