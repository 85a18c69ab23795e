using System.Text.Json.Nodes;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.HumanStudy;

/// <summary>
/// Study inputs as <c>hyperfit generate</c> writes them: a tiny byte-level BPE tokenizer (its own folder, as a model
/// folder would hold it), one reference file per context set (a 32-token context and a 224-token original continuation
/// per line, encoded from word sequences so decoded texts are readable words) and one generations file per comparison.
/// </summary>
internal sealed class StudyFixture : IDisposable
{
    public const int ContextTokens = 32;
    public const int ContinuationTokens = 224;

    private static readonly string[] Words =
    [
        "the", "cat", "sat", "on", "a", "mat", "while", "dog", "ran", "far", "away", "from", "old", "house", "near",
        "river", "bank", "under", "bright", "moon", "and", "small", "bird", "sang", "song", "of", "green", "hills",
    ];

    private readonly TempDirectory _dir = new();
    private readonly Random _random = new(11);

    public StudyFixture(int contextsPerSet = 3, string[]? sets = null, string[]? comparisons = null)
    {
        Sets = sets ?? ["fiction", "press"];
        Comparisons = comparisons ?? ["base_greedy", "hyperfitted_greedy"];
        TokenizerDir = Directory.CreateDirectory(_dir.File("model")).FullName;
        ByteLevelBpeTrainer.Train(Enumerable.Range(0, 20).Select(_ => Words_(60)), 300, ["<|endoftext|>"])
            .WriteTokenizerJson(Path.Combine(TokenizerDir, "tokenizer.json"));
        TokenizerConfigWriter.Write(TokenizerDir, "<|endoftext|>", "<|endoftext|>", addBosToken: false, modelMaxLength: 512);
        Tokenizer = HfTokenizer.Load(TokenizerDir);

        foreach (var set in Sets)
        {
            var contexts = Enumerable.Range(0, contextsPerSet).Select(_ => Ids(ContextTokens)).ToList();
            References[set] = (_dir.File($"{set}-reference.jsonl"), contexts.Select(c => (c, Ids(ContinuationTokens))).ToList());
            WriteJsonl(References[set].Path, References[set].Lines.Select((l, i) => Line(l.Context, l.Continuation, sourceLine: 10 + i)));
        }

        foreach (var comparison in Comparisons)
        {
            var lines = Sets.SelectMany(set => References[set].Lines.Select(l => (l.Context, Ids(ContinuationTokens)))).ToList();
            Generations[comparison] = (_dir.File($"{comparison}.jsonl"), lines);
            WriteJsonl(Generations[comparison].Path, lines.Select(l => Line(l.Context, l.Item2)));
        }
    }

    public string[] Sets { get; }

    public string[] Comparisons { get; }

    public string TokenizerDir { get; }

    public HfTokenizer Tokenizer { get; }

    public string Root => _dir.Path;

    public Dictionary<string, (string Path, List<(int[] Context, int[] Continuation)> Lines)> References { get; } = [];

    public Dictionary<string, (string Path, List<(int[] Context, int[] Continuation)> Lines)> Generations { get; } = [];

    public string StudyDir(string name = "study") => _dir.File(name);

    /// <summary>The request for every reference and generations file of the fixture.</summary>
    public StudyBuildRequest Request(string study = "study") => new()
    {
        StudyDirectory = StudyDir(study),
        TokenizerDirectory = TokenizerDir,
        References = [.. References.Select(r => new LabelledFile(r.Key, r.Value.Path))],
        Generations = [.. Generations.Select(g => new LabelledFile(g.Key, g.Value.Path))],
    };

    /// <summary>Builds the whole study and returns its folder.</summary>
    public string Build(string study = "study")
    {
        StudyBuilder.Build(Request(study));
        return StudyDir(study);
    }

    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();

    public static JsonObject Line(int[] context, int[] continuation, int? sourceLine = null)
    {
        var line = new JsonObject
        {
            ["context_ids"] = new JsonArray([.. context.Select(i => (JsonNode)i)]),
            ["continuation_ids"] = new JsonArray([.. continuation.Select(i => (JsonNode)i)]),
        };
        if (sourceLine is { } n)
        {
            line["line"] = n;
        }

        return line;
    }

    public static void WriteJsonl(string path, IEnumerable<JsonObject> lines) =>
        System.IO.File.WriteAllLines(path, lines.Select(l => l.ToJsonString()));

    /// <summary>Exactly <paramref name="count"/> token ids of a random word sequence.</summary>
    private int[] Ids(int count)
    {
        var ids = Tokenizer.Encode(" " + Words_(count), addSpecialTokens: false);
        return [.. ids.Take(count)];
    }

    private string Words_(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => Words[_random.Next(Words.Length)]));
}
