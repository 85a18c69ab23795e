using Hyperfit.Data.Brown;

namespace Hyperfit.Tests.Data.Brown;

/// <summary>Checks the files vendored in data/brown against the split rules.</summary>
public sealed class VendoredBrownDataTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<BrownRecord>>> Files = new(() =>
        new[] { BrownDataset.PretrainFile, BrownDataset.HyperfitFile }
            .Concat(BrownSplitPlan.Standard.HeldOut.Select(s => BrownDataset.HeldOutFile(s.Name)))
            .ToDictionary(f => f, f => BrownJsonl.Read(Path.Combine(DataDirectory(), f))));

    private static string DataDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hyperfit.slnx")))
            {
                return Path.Combine(dir.FullName, "data", "brown");
            }
        }

        throw new DirectoryNotFoundException($"no Hyperfit.slnx above {AppContext.BaseDirectory}");
    }

    private static IReadOnlyList<BrownRecord> Records(string file) => Files.Value[file];

    private static HashSet<string> TextIds(string file) => Records(file).Select(r => r.TextId).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Should_hold_all_500_texts_in_exactly_one_of_five_disjoint_files()
    {
        // Given the vendored files, when their text ids are compared, then no text is in two files
        var sets = Files.Value.Keys.Select(f => (File: f, Ids: TextIds(f))).ToList();
        foreach (var a in sets)
        {
            foreach (var b in sets.Where(b => string.CompareOrdinal(a.File, b.File) < 0))
            {
                Assert.True(!a.Ids.Overlaps(b.Ids), $"{a.File} and {b.File} share {string.Join(", ", a.Ids.Intersect(b.Ids))}");
            }
        }

        // Then together they hold the whole corpus: 500 texts, 15 genres
        var all = sets.SelectMany(s => s.Ids).ToList();
        Assert.Equal(500, all.Count);
        Assert.Equal(15, all.Select(BrownCorpus.GenreOf).Distinct().Count());
    }

    [Fact]
    public void Should_keep_genres_where_the_split_rules_put_them()
    {
        // Given the vendored files, when genres are checked, then pretrain is A–J, hyperfit and held-out fiction
        // K–R, held-out learned J and held-out press A–C, and every record's genre and category match its id
        void Genres(string file, string allowed) =>
            Assert.All(Records(file), r => Assert.Contains(r.Genre, allowed.Select(c => c.ToString())));
        Genres(BrownDataset.PretrainFile, "ABCDEFGHJ");
        Genres(BrownDataset.HyperfitFile, "KLMNPR");
        Genres("heldout-fiction.jsonl", "KLMNPR");
        Genres("heldout-learned.jsonl", "J");
        Genres("heldout-press.jsonl", "ABC");
        Assert.All(Files.Value.Values.SelectMany(r => r), r =>
        {
            Assert.Equal(BrownCorpus.GenreOf(r.TextId).ToString(), r.Genre);
            Assert.Equal(BrownCorpus.Genres[BrownCorpus.GenreOf(r.TextId)], r.Category);
        });
    }

    [Fact]
    public void Should_hold_out_exactly_the_texts_the_documented_selection_picks()
    {
        // Given every text id in the vendored files, when the standard plan selects held-out texts,
        // then each held-out file holds exactly those texts (so the files match seed, quotas and rules)
        var all = Files.Value.Keys.SelectMany(TextIds).ToList();
        foreach (var (name, ids) in BrownSplit.SelectHeldOut(all, BrownSplitPlan.Standard))
        {
            Assert.Equal(ids, TextIds(BrownDataset.HeldOutFile(name)).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Should_give_over_100_contexts_per_held_out_set_each_long_enough()
    {
        // Given the held-out files, when counted, then each has > 100 chunks of ≥ MinChunkWords words,
        // enough for 100 contexts of 32 tokens plus 224-token continuations
        foreach (var set in BrownSplitPlan.Standard.HeldOut)
        {
            var records = Records(BrownDataset.HeldOutFile(set.Name));
            Assert.True(records.Count > 100, $"{set.Name}: {records.Count} chunks");
            Assert.All(records, r => Assert.True(r.WordCount >= BrownSplitPlan.Standard.MinChunkWords, $"{r.Id}: {r.WordCount} words"));
        }
    }

    [Fact]
    public void Should_store_whole_texts_in_id_order_as_plain_text()
    {
        // Given pretrain and hyperfit, when read, then each line is one whole text (no chunk suffix), ids ascend,
        // and no Brown tag or `` '' quote survives
        foreach (var file in new[] { BrownDataset.PretrainFile, BrownDataset.HyperfitFile })
        {
            var records = Records(file);
            Assert.All(records, r => Assert.Equal(r.TextId, r.Id));
            Assert.Equal(records.Select(r => r.Id).Order(StringComparer.Ordinal), records.Select(r => r.Id));
        }

        Assert.All(Files.Value.Values.SelectMany(r => r), r =>
        {
            Assert.DoesNotContain("``", r.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("''", r.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("/nn ", r.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("/at ", r.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Should_hold_the_pre_training_lines_of_their_genres_in_the_per_type_hyperfitting_files()
    {
        // Given the vendored per-type hyperfitting files (§6.2: press and learned next to fiction's hyperfit.jsonl)
        var pretrain = File.ReadAllLines(Path.Combine(DataDirectory(), BrownDataset.PretrainFile));
        var heldOut = BrownSplitPlan.Standard.HeldOut.SelectMany(s => TextIds(BrownDataset.HeldOutFile(s.Name))).ToHashSet(StringComparer.Ordinal);
        foreach (var set in BrownSplitPlan.Standard.HyperfitByGenre)
        {
            // When compared with the pre-training file, then each is exactly its genres' lines there, byte for byte and
            // in order, and holds no held-out text
            var file = Path.Combine(DataDirectory(), BrownDataset.HyperfitGenreFile(set.Name));
            var records = BrownJsonl.Read(file);
            Assert.Equal(pretrain.Zip(Records(BrownDataset.PretrainFile)).Where(p => set.Genres.Contains(p.Second.Genre[0])).Select(p => p.First),
                File.ReadAllLines(file));
            Assert.All(records, r => Assert.Contains(r.Genre[0], set.Genres));
            Assert.DoesNotContain(records, r => heldOut.Contains(r.TextId));
            Assert.True(records.Count > 60, $"{set.Name}: {records.Count} texts");
        }
    }

    [Fact]
    public void Should_stay_well_under_20_megabytes()
    {
        // Given the data folder, when sized, then it is under 10 MB in all
        var bytes = Directory.EnumerateFiles(DataDirectory()).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes < 10_000_000, $"{bytes} bytes");
    }
}
