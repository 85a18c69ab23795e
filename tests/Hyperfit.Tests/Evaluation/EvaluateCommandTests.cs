using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Cli;
using Hyperfit.Models;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tests.Cli;
using Hyperfit.Tokenization;
using Hyperfit.Tests.Models;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Evaluation;

[Collection(ConsoleTests.Name)]
public sealed class EvaluateCommandTests : IDisposable
{
    private static readonly string[] Corpus =
    [
        "the quick brown fox jumps over the lazy dog",
        "a lazy dog sleeps in the sun all day long",
    ];

    private readonly TempDirectory _dir = new();

    public EvaluateCommandTests()
    {
        // Two tiny model folders sharing one byte-level BPE tokenizer, with different random weights.
        var tokenizer = ByteLevelBpeTrainer.Train(Corpus, 256 + 8, ["<|endoftext|>"]);
        Vocab = tokenizer.VocabSize;
        ModelA = SaveModel("a", tokenizer, seed: 1);
        ModelB = SaveModel("b", tokenizer, seed: 2);
    }

    private int Vocab { get; }

    private string ModelA { get; }

    private string ModelB { get; }

    public void Dispose() => _dir.Dispose();

    private string SaveModel(string name, ByteLevelBpeTrainingResult tokenizer, int seed)
    {
        var dir = Directory.CreateDirectory(_dir.File(name)).FullName;
        tokenizer.WriteTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        var config = JsonNode.Parse("""
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 16, "intermediate_size": 32,
             "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-5,
             "rope_theta": 10000.0, "max_position_embeddings": 512, "tie_word_embeddings": false, "hidden_act": "silu",
             "torch_dtype": "float32"}
            """)!.AsObject();
        config["vocab_size"] = tokenizer.VocabSize;
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(config), ModelOptions.Default);
        SeededWeights.Fill(model, seed);
        HfModelSaver.Save(model, dir);
        return dir;
    }

    private static string Line(int[] context, int[] continuation, string? tokenizer = null)
    {
        var line = new JsonObject
        {
            ["context_ids"] = new JsonArray([.. context.Select(i => (JsonNode)i)]),
            ["continuation_ids"] = new JsonArray([.. continuation.Select(i => (JsonNode)i)]),
        };
        if (tokenizer is not null)
        {
            line["tokenizer"] = tokenizer;
        }

        return line.ToJsonString();
    }

    private static (int Code, string Error) Run(params string[] args)
    {
        var (code, _, error) = CliRunner.Run(args);
        return (code, error);
    }

    /// <summary>Three generations: A = 0..95 then 134 × token 5 (230 tokens); B = (0..9) repeated to 100 tokens;
    /// C = 100..199 (100 distinct tokens). Contexts of 8 tokens.</summary>
    private string WriteGenerations()
    {
        int[] context = [.. Enumerable.Range(10, 8)];
        int[] a = [.. Enumerable.Range(0, 96), .. Enumerable.Repeat(5, 134)];
        int[] b = [.. Enumerable.Range(0, 100).Select(i => i % 10)];
        int[] c = [.. Enumerable.Range(100, 100)];
        var path = _dir.File("gen.jsonl");
        File.WriteAllLines(path, [Line(context, a), "", Line(context, b), Line(context, c)]);
        return path;
    }

    [Fact]
    public void Should_write_text_dataset_and_model_metrics_to_json_and_markdown()
    {
        // Given three generations, a pre-tokenized dataset holding 150..161 (a 12-token run of text C) and two models
        var generations = WriteGenerations();
        var dataset = _dir.File("dataset.jsonl");
        File.WriteAllLines(dataset, [new JsonObject { ["input_ids"] = new JsonArray([.. Enumerable.Range(150, 12).Select(i => (JsonNode)i)]) }.ToJsonString()]);
        var output = _dir.File("out/metrics.json");

        // When evaluate runs with both models
        var (code, error) = Run("evaluate", "--generations", generations, "--dataset", dataset, "--model", ModelA, "--model", ModelB, "--out", output);

        // Then it succeeds and writes both files, nothing temporary left
        Assert.True(code == 0, error);
        var metrics = JsonNode.Parse(File.ReadAllText(output))!.AsObject();
        Assert.True(File.Exists(_dir.File("out/metrics.md")));
        Assert.Empty(Directory.GetFiles(_dir.File("out"), "*.tmp"));
        Assert.Equal(3, (int)metrics["texts"]!);

        // TTR (last 96): A 1/96, B 10/96, C 96/96; 128 TTR (first 96): A 1, B 10/96, C 1; 256 TTR (last 96 of first 224): A 1/96, B 10/96, C 1
        var text = metrics["text_metrics"]!;
        Assert.Equal((1.0 + 10.0 + 96.0) / 96 / 3, (double)text["ttr"]!, 12);
        Assert.Equal((1.0 + (10.0 / 96) + 1.0) / 3, (double)text["ttr_128"]!, 12);
        Assert.Equal((1.0 + 10.0 + 96.0) / 96 / 3, (double)text["ttr_256"]!, 12);
        Assert.Equal(2, (int)text["ttr_256_texts_shorter_than_224"]!);
        Assert.NotNull(text["self_bleu"]!["mean"]);
        // rep-2: A has 229 bigrams of which 97 distinct, B 99 with 10 distinct, C 99 all distinct
        Assert.Equal((1.0 - (97.0 / 229) + 1.0 - (10.0 / 99) + 0.0) / 3, (double)text["rep_n"]!["2"]!, 12);

        // Dataset: C shares a 12-token run with the dataset, A and B share none (ids 150+ are not in them)
        var data = metrics["dataset_metrics"]!;
        Assert.Equal(12.0, (double)data["overlap"]!["max"]!);
        Assert.Equal(4.0, (double)data["overlap"]!["mean"]!);
        Assert.Equal(1.0 / 3, (double)data["overlap_full_share_over_5"]!, 12);
        Assert.Equal(1, (int)data["sequences_shorter_than_96"]!);

        // Models: context PPL over 7 predicted positions per context (no BOS), text metrics over all positions
        var models = metrics["model_metrics"]!;
        Assert.Equal("generations", (string)models["texts"]!);
        foreach (var model in models["models"]!.AsArray())
        {
            Assert.Equal(3 * 7, (long)model!["context_positions"]!);
            Assert.Equal((8 + 230 - 1) + (2 * (8 + 100 - 1)), (long)model["positions"]!);
            Assert.True(double.IsFinite((double)model["ppl"]!) && (double)model["ppl"]! > 1.0);
            Assert.InRange((double)model["entropy"]!, 0.0, Math.Log(Vocab) + 1e-4);
            Assert.True((double)model["top1"]! <= (double)model["top3"]! && (double)model["top3"]! <= (double)model["top5"]! && (double)model["top5"]! <= 1.0 + 1e-6);
        }

        var matrix = models["top1_agreement"]!.AsArray();
        Assert.Equal(1.0, (double)matrix[0]![0]!);
        Assert.Equal(1.0, (double)matrix[1]![1]!);
        Assert.Equal((double)matrix[0]![1]!, (double)matrix[1]![0]!);
        Assert.InRange((double)matrix[0]![1]!, 0.0, 1.0);
        var markdown = File.ReadAllText(_dir.File("out/metrics.md"));
        Assert.Contains("| # | Model | Context PPL |", markdown, StringComparison.Ordinal);
        Assert.Contains("Top-1 agreement", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_the_file_and_line_of_a_malformed_generation()
    {
        // Given a generations file whose second line is not JSON
        var path = _dir.File("bad.jsonl");
        File.WriteAllLines(path, [Line([1, 2], [3, 4]), "{\"context_ids\": [1, 2], \"continuation_ids\": [3,"]);

        // When evaluate runs
        var (code, error) = Run("evaluate", "--generations", path, "--out", _dir.File("m.json"));

        // Then exit code 1, one line naming bad.jsonl:2, and no output
        Assert.Equal(1, code);
        Assert.Contains("bad.jsonl:2: not valid JSON", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(_dir.File("m.json")));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("strings")]
    public void Should_reject_a_line_without_integer_ids(string kind)
    {
        // Given a line without continuation_ids, or with strings in it
        var path = _dir.File("bad.jsonl");
        File.WriteAllLines(path, [kind == "missing" ? "{\"context_ids\": [1]}" : "{\"context_ids\": [1], \"continuation_ids\": [\"a\"]}"]);

        // When evaluate runs
        var (code, error) = Run("evaluate", "--generations", path, "--out", _dir.File("m.json"));

        // Then exit code 1 naming line 1 and the field
        Assert.Equal(1, code);
        Assert.Contains("bad.jsonl:1:", error, StringComparison.Ordinal);
        Assert.Contains("continuation_ids", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_ids_beyond_the_model_vocabulary_as_another_tokenizer()
    {
        // Given a generation whose continuation holds an id the model's tokenizer does not have
        var path = _dir.File("gen.jsonl");
        File.WriteAllLines(path, [Line([1, 2], [3, 4]), Line([1, 2], [3, Vocab + 7])]);

        // When evaluate runs with the model
        var (code, error) = Run("evaluate", "--generations", path, "--model", ModelA, "--out", _dir.File("m.json"));

        // Then exit code 1 naming gen.jsonl:2 and the tokenizer mismatch, on one line
        Assert.Equal(1, code);
        Assert.Contains("gen.jsonl:2: continuation_ids holds id", error, StringComparison.Ordinal);
        Assert.Contains("different tokenizer", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Should_reject_a_tokenizer_fingerprint_other_than_the_model()
    {
        // Given generations stamped with another tokenizer's fingerprint
        var path = _dir.File("gen.jsonl");
        File.WriteAllLines(path, [Line([1, 2], [3, 4], tokenizer: "0123456789abcdef")]);

        // When evaluate runs with the model
        var (code, error) = Run("evaluate", "--generations", path, "--model", ModelA, "--out", _dir.File("m.json"));

        // Then exit code 1 naming both fingerprints
        Assert.Equal(1, code);
        Assert.Contains("0123456789abcdef", error, StringComparison.Ordinal);
        Assert.Contains(TokenizerFingerprint.Compute(ModelA)!, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_score_reference_texts_when_given()
    {
        // Given generations and reference texts as raw text
        var generations = WriteGenerations();
        var reference = _dir.File("reference.jsonl");
        File.WriteAllLines(reference, Corpus.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));

        // When evaluate runs with --reference
        var (code, error) = Run("evaluate", "--generations", generations, "--reference", reference, "--model", ModelA, "--out", _dir.File("m.json"));

        // Then the model metrics are computed on the reference texts
        Assert.True(code == 0, error);
        var models = JsonNode.Parse(File.ReadAllText(_dir.File("m.json")))!["model_metrics"]!;
        Assert.Equal("reference", (string)models["texts"]!);
        Assert.Null(models["top1_agreement"]);
    }

    [Fact]
    public void Should_require_a_model_for_a_text_dataset_and_for_references()
    {
        // Given a dataset of raw text and no model
        var generations = WriteGenerations();
        var dataset = _dir.File("dataset.txt");
        File.WriteAllLines(dataset, Corpus);

        // When evaluate runs without --model, with the dataset, then with --reference
        var (datasetCode, datasetError) = Run("evaluate", "--generations", generations, "--dataset", dataset, "--out", _dir.File("m.json"));
        var (referenceCode, referenceError) = Run("evaluate", "--generations", generations, "--reference", generations, "--out", _dir.File("m.json"));

        // Then both fail with one line saying why
        Assert.Equal(1, datasetCode);
        Assert.Contains("--model is needed to tokenize the text of", datasetError, StringComparison.Ordinal);
        Assert.Contains("dataset.txt:1", datasetError, StringComparison.Ordinal);
        Assert.Equal(1, referenceCode);
        Assert.Contains("--reference texts are only scored by a model", referenceError, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_print_metric_benchmark_timings_as_json()
    {
        // Given the quick benchmark workload
        // When bench metrics runs with --json
        var (code, output, _) = CliRunner.Run("bench", "metrics", "--quick", "--json");

        // Then it succeeds and reports the three metrics, fast and brute force agreeing
        Assert.Equal(0, code);
        var timings = JsonNode.Parse(output)!["Timings"]!.AsArray();
        Assert.Equal(["Self-BLEU", "Dataset BLEU", "Overlap"], timings.Select(t => (string)t!["Metric"]!));
        Assert.All(timings, t => Assert.True((bool)t!["Agrees"]!));
    }
}
