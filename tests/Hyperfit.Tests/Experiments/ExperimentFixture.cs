using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Models;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tokenization;

namespace Hyperfit.Tests.Experiments;

/// <summary>A tiny random Llama with a tiny BPE tokenizer, a few short documents (hyperfitting data and two context
/// sets) and a spec that trains 2 updates and generates 8 tokens.</summary>
internal sealed class ExperimentFixture : IDisposable
{
    private static readonly string[] Words =
    [
        "the", "cat", "sat", "on", "a", "mat", "while", "dog", "ran", "far", "away", "from", "old", "house", "near",
        "river", "bank", "under", "bright", "moon", "and", "small", "bird", "sang", "song", "of", "green", "hills",
    ];

    private static readonly string[] NewsWords =
    [
        "market", "shares", "rose", "council", "voted", "today", "minister", "said", "report", "prices", "week", "city",
        "police", "budget", "plan", "new", "year", "state", "bill", "tax",
    ];

    private readonly TempDirectory _dir = new();

    public ExperimentFixture()
    {
        var random = new Random(5);
        string Doc() => string.Join(' ', Enumerable.Range(0, 30).Select(_ => Words[random.Next(Words.Length)]));
        var data = Enumerable.Range(0, 12).Select(_ => Doc()).ToList();
        WriteJsonl("data/hyperfit.jsonl", data);
        WriteJsonl("data/fiction.jsonl", Enumerable.Range(0, 3).Select(_ => Doc()));
        WriteJsonl("data/press.jsonl", Enumerable.Range(0, 3).Select(_ => Doc()));
        // A second hyperfitting dataset (§6.2 specs): other words, so its tokens and n-grams differ from the first's.
        string News() => string.Join(' ', Enumerable.Range(0, 30).Select(_ => NewsWords[random.Next(NewsWords.Length)]));
        WriteJsonl("data/news.jsonl", Enumerable.Range(0, 12).Select(_ => News()));
        var tokenizerDir = Directory.CreateDirectory(_dir.File("tokenizer")).FullName;
        ByteLevelBpeTrainer.Train(data, 300, ["<|endoftext|>"]).WriteTokenizerJson(Path.Combine(tokenizerDir, "tokenizer.json"));
        TokenizerConfigWriter.Write(tokenizerDir, "<|endoftext|>", "<|endoftext|>", addBosToken: false, modelMaxLength: 128);
        ModelFactory.CreateRandom(new ModelBlueprint("llama", HfTokenizer.Load(tokenizerDir).VocabSize, 16, 1, 2, 2, 32, 128),
            tokenizerDir, _dir.File("models/tiny"), seed: 3);
        Directory.CreateDirectory(_dir.File("experiments"));
    }

    public string Root => _dir.Path;

    public string Out => _dir.File("out");

    /// <summary>The tiny spec (experiments/tiny.json next to ../models and ../data), optionally edited first.</summary>
    public string WriteSpec(Action<JsonObject>? edit = null, string name = "tiny.json")
    {
        var spec = TinySpec();
        edit?.Invoke(spec);
        var path = _dir.File("experiments/" + name);
        File.WriteAllText(path, spec.ToJsonString());
        return path;
    }

    public static JsonObject TinySpec() => JsonNode.Parse("""
        {
          "base_model": "../models/tiny",
          "hyperfit": {
            "data": "../data/hyperfit.jsonl",
            "recipe": { "samples": 4, "sequence_length": 16, "batch_size": 2, "max_updates": 2, "learning_rate": 0.001,
                        "validate_every": 1, "validation_sequences": 0, "ttr_context_tokens": 4, "checkpoint_every": 0 },
            "variants": ["hyperfitted", "shuffle1"],
            "sample_sweep": { "samples": [2, 4], "max_updates": 2, "context_set": "fiction" }
          },
          "context_sets": {
            "fiction": { "file": "../data/fiction.jsonl", "context_tokens": 6, "contexts": 2 },
            "press": { "file": "../data/press.jsonl", "context_tokens": 6, "contexts": 2 }
          },
          "decoding": {
            "base_greedy": { "model": "base" },
            "base_top_p": { "model": "base", "strategy": "sample", "top_p": 0.9, "temperature": 0.7, "top_k": 50 },
            "hyperfitted_greedy": { "model": "hyperfitted" },
            "hyperfitted_blocked": { "model": "hyperfitted", "block_citations": true }
          },
          "metrics": ["text", "dataset", "model", "reference", "agreement", "sweep"],
          "seeds": [42],
          "new_tokens": 8,
          "batch_size": 2,
          "samples_per_set": 1
        }
        """)!.AsObject();

    /// <summary>The tiny spec as a §6.2 spec: variants <c>fiction</c> (data/hyperfit.jsonl) and <c>news</c>
    /// (data/news.jsonl), no <c>hyperfit.data</c>, greedy decodings of each and of the base model.</summary>
    public static JsonObject TwoDatasetSpec()
    {
        var spec = TinySpec();
        var hyperfit = spec["hyperfit"]!.AsObject();
        hyperfit.Remove("data");
        hyperfit.Remove("sample_sweep");
        hyperfit["variants"] = JsonNode.Parse("""
            { "fiction": { "data": "../data/hyperfit.jsonl" }, "news": { "data": "../data/news.jsonl" } }
            """);
        spec["decoding"] = JsonNode.Parse("""
            {
              "base_greedy": { "model": "base" },
              "fiction_greedy": { "model": "fiction" },
              "news_greedy": { "model": "news" },
              "news_blocked": { "model": "news", "block_citations": true }
            }
            """);
        spec["metrics"] = JsonNode.Parse("""["text", "dataset", "model", "reference"]""");
        return spec;
    }

    /// <summary>Writes a spec object as experiments/<paramref name="name"/>.</summary>
    public string WriteSpec(JsonObject spec, string name)
    {
        var path = _dir.File("experiments/" + name);
        File.WriteAllText(path, spec.ToJsonString());
        return path;
    }

    public void Dispose() => _dir.Dispose();

    private void WriteJsonl(string relative, IEnumerable<string> texts)
    {
        var path = _dir.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, texts.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
    }
}
