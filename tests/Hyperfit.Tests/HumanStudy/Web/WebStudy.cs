using System.Text;
using System.Text.Json.Nodes;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary>
/// A study built with <see cref="StudyBuilder"/> from explicit files: a tiny byte-level BPE tokenizer trained on
/// sentences of a small English vocabulary, reference files of two context sets (32 context tokens, ≥ 224 original
/// tokens each) and generations files of two comparisons. Paragraph breaks in the texts exercise the page's paragraphs.
/// The labels (comparisons, models, context sets) use no word of the texts, so a page that shows one leaks it.
/// </summary>
internal sealed class WebStudy : IDisposable
{
    public static readonly string[] Comparisons = ["hyperfitted_greedy", "base_top_p"];

    public static readonly string[] ContextSets = ["fiction", "press"];

    private static readonly string[] Words =
    [
        "the", "a", "cat", "sat", "on", "mat", "while", "dog", "ran", "far", "away", "from", "old", "house", "near", "river", "bank",
        "under", "bright", "moon", "small", "bird", "sang", "song", "of", "green", "hills", "she", "he", "walked", "slowly", "toward",
        "door", "opened", "window", "looked", "at", "quiet", "street", "morning", "evening", "light", "rain", "fell", "softly", "they",
        "talked", "about", "long", "winter", "summer", "garden", "letter", "wrote", "read", "again", "never", "always", "sometimes",
    ];

    private readonly TempDirectory _dir = new();

    /// <param name="contextsPerSet">Contexts per set: pairs = 2 comparisons × 2 sets × this.</param>
    public WebStudy(int contextsPerSet = 5, int seed = 7)
    {
        var random = new Random(seed);
        var documents = Enumerable.Range(0, 8 * contextsPerSet + 8).Select(_ => Document(random)).ToList();
        TokenizerDirectory = System.IO.Directory.CreateDirectory(_dir.File("tokenizer")).FullName;
        ByteLevelBpeTrainer.Train(documents, 300, ["<|endoftext|>"]).WriteTokenizerJson(Path.Combine(TokenizerDirectory, "tokenizer.json"));
        TokenizerConfigWriter.Write(TokenizerDirectory, "<|endoftext|>", "<|endoftext|>", addBosToken: false, modelMaxLength: 1024);
        var tokenizer = HfTokenizer.Load(TokenizerDirectory);

        var references = new List<LabelledFile>();
        var contexts = new List<int[]>();
        var next = 0;
        foreach (var set in ContextSets)
        {
            var lines = new List<string>();
            for (var i = 0; i < contextsPerSet; i++)
            {
                var ids = tokenizer.Encode(documents[next++], addSpecialTokens: false).ToArray();
                contexts.Add(ids[..32]);
                lines.Add(Record(ids[..32], ids[32..256]));
            }

            references.Add(new LabelledFile(set, Write($"reference-{set}.jsonl", lines)));
        }

        var generations = new List<LabelledFile>();
        foreach (var comparison in Comparisons)
        {
            var lines = contexts.Select(context => Record(context, tokenizer.Encode(documents[next++ % documents.Count], addSpecialTokens: false).Take(230).ToArray())).ToList();
            generations.Add(new LabelledFile(comparison, Write($"generations-{comparison}.jsonl", lines)));
        }

        Directory = _dir.File("study");
        Manifest = StudyBuilder.Build(new StudyBuildRequest
        {
            StudyDirectory = Directory,
            TokenizerDirectory = TokenizerDirectory,
            References = references,
            Generations = generations,
        });
    }

    public string Directory { get; }

    public string TokenizerDirectory { get; }

    public StudyManifest Manifest { get; }

    public string Root => _dir.Path;

    public string Invite(string name, StudyRole role = StudyRole.Annotator) => StudyAccounts.Invite(Directory, name, role);

    public void Dispose() => _dir.Dispose();

    /// <summary>About 420 words in sentences, with a paragraph break every few sentences.</summary>
    private static string Document(Random random)
    {
        var text = new StringBuilder();
        for (var sentence = 0; sentence < 40; sentence++)
        {
            var words = Enumerable.Range(0, random.Next(6, 14)).Select(_ => Words[random.Next(Words.Length)]).ToArray();
            words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
            text.Append(string.Join(' ', words)).Append('.');
            text.Append(sentence % 5 == 4 ? "\n\n" : " ");
        }

        return text.ToString();
    }

    private static string Record(int[] context, int[] continuation) =>
        new JsonObject { ["context_ids"] = new JsonArray([.. context.Select(i => (JsonNode)i)]), ["continuation_ids"] = new JsonArray([.. continuation.Select(i => (JsonNode)i)]) }
            .ToJsonString();

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = _dir.File(name);
        File.WriteAllLines(path, lines);
        return path;
    }
}
