using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Cli;
using Hyperfit.Models;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tokenization;
using Hyperfit.Tests.Models;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Cli;

[Collection(ConsoleTests.Name)]
public sealed class GenerateCommandTests : IDisposable
{
    private static readonly string[] Corpus =
    [
        "the quick brown fox jumps over the lazy dog",
        "a lazy dog sleeps in the sun all day long",
        "the brown fox runs into the quiet forest at night",
    ];

    private readonly TempDirectory _dir = new();

    public GenerateCommandTests()
    {
        // A tiny model folder: byte-level BPE trained on the corpus and a random Llama with a matching vocabulary.
        var tokenizer = ByteLevelBpeTrainer.Train(Corpus, 256 + 24, ["<|endoftext|>"]);
        ModelDir = Directory.CreateDirectory(_dir.File("model")).FullName;
        tokenizer.WriteTokenizerJson(Path.Combine(ModelDir, "tokenizer.json"));
        var config = JsonNode.Parse("""
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 32, "intermediate_size": 64,
             "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4, "rms_norm_eps": 1e-5,
             "rope_theta": 10000.0, "max_position_embeddings": 64, "tie_word_embeddings": false, "hidden_act": "silu",
             "torch_dtype": "float32"}
            """)!.AsObject();
        config["vocab_size"] = tokenizer.VocabSize;
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(config), ModelOptions.Default);
        SeededWeights.Fill(model, seed: 1);
        HfModelSaver.Save(model, ModelDir);
        File.WriteAllLines(_dir.File("contexts.txt"), ["the quick brown fox jumps", "", "a lazy dog sleeps in the sun"]);
        File.WriteAllLines(_dir.File("dataset.jsonl"), Corpus.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
    }

    private string ModelDir { get; }

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Error) Run(params string[] args)
    {
        var (code, _, error) = CliRunner.Run(args);
        return (code, error);
    }

    private string[] Args(params string[] extra) =>
        ["generate", "--model", ModelDir, "--contexts", _dir.File("contexts.txt"), "--context-tokens", "4", "--out", _dir.File("out.jsonl"),
         .. extra.Contains("--new-tokens") ? extra : [.. extra, "--new-tokens", "6"]];

    [Fact]
    public void Should_write_one_jsonl_line_per_context_with_citation_stats()
    {
        // Given two contexts and a citation dataset
        // When generate runs with the blocker and a batch size of 1
        var (code, error) = Run(Args("--block-citations", _dir.File("dataset.jsonl"), "--batch-size", "1"));

        // Then it succeeds and writes one line per non-empty context line
        Assert.True(code == 0, error);
        var lines = File.ReadAllLines(_dir.File("out.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Equal([1, 3], lines.Select(l => (int)l["line"]!));
        Assert.All(lines, l =>
        {
            Assert.Equal(4, l["context_ids"]!.AsArray().Count);
            Assert.Equal(6, l["continuation_ids"]!.AsArray().Count);
            Assert.NotNull(l["continuation"]);
            Assert.True((int)l["citation_steps"]! >= 0);
        });
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Fact]
    public void Should_name_the_file_and_line_of_a_too_short_context()
    {
        // Given contexts of 5 and 7 words, far fewer than 40 tokens
        // When generate asks for 40 context tokens
        var (code, error) = Run(["generate", "--model", ModelDir, "--contexts", _dir.File("contexts.txt"), "--context-tokens", "40", "--new-tokens", "4", "--out", _dir.File("out.jsonl")]);

        // Then it fails with one line naming the file, line 1 and the option
        Assert.Equal(1, code);
        Assert.Contains("contexts.txt:1: context has", error, StringComparison.Ordinal);
        Assert.Contains("--context-tokens 40", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(_dir.File("out.jsonl")));
    }

    [Theory]
    [InlineData("--top-p", "1.5", "--top-p")]
    [InlineData("--temperature", "0", "--temperature")]
    [InlineData("--top-k", "-1", "--top-k")]
    [InlineData("--new-tokens", "100", "max positions (64)")]
    [InlineData("--strategy", "beam", "--strategy")]
    public void Should_reject_bad_options_with_one_line(string option, string value, string expected)
    {
        // Given an invalid option value
        // When generate runs
        var (code, error) = Run(Args(option == "--strategy" ? [option, value] : ["--strategy", "sample", option, value]));

        // Then exit code 1 and one error line naming the argument
        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Should_reject_a_dataset_tokenized_with_a_different_tokenizer()
    {
        // Given a dataset line whose input_ids exceed this tokenizer's vocabulary
        File.WriteAllLines(_dir.File("ids.jsonl"), ["{\"input_ids\": [1, 2, 3, 4, 5, 6]}", "{\"input_ids\": [1, 2, 50000]}"]);

        // When generate blocks citations of it
        var (code, error) = Run(Args("--block-citations", _dir.File("ids.jsonl")));

        // Then the one-line error names the line and says the tokenizer differs
        Assert.Equal(1, code);
        Assert.Contains("ids.jsonl:2", error, StringComparison.Ordinal);
        Assert.Contains("different tokenizer", error, StringComparison.Ordinal);
    }
}
