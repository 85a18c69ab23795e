using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Cli;
using Hyperfit.Models;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tests.Models;
using Hyperfit.Tokenization;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Cli;

[Collection(ConsoleTests.Name)]
public sealed class InspectCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string MakeModel(int vocabExtra = 0)
    {
        var tokenizer = ByteLevelBpeTrainer.Train(["a cat sat on a mat", "a dog sat on a log"], 256 + 8, ["<|endoftext|>"]);
        var dir = Directory.CreateDirectory(_dir.File($"model{vocabExtra}")).FullName;
        tokenizer.WriteTokenizerJson(Path.Combine(dir, "tokenizer.json"));
        var config = TinyConfigs.Llama();
        config["vocab_size"] = tokenizer.VocabSize + vocabExtra;
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(config), ModelOptions.Default);
        SeededWeights.Fill(model, seed: 3);
        HfModelSaver.Save(model, dir);
        return dir;
    }

    private static (int Code, string Output, string Error) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Should_describe_a_complete_model_as_json()
    {
        var dir = MakeModel();
        var (code, output, _) = Run("inspect", "--model", dir, "--json", "--text", "a cat sat");
        Assert.Equal(0, code);
        var report = JsonNode.Parse(output)!;
        Assert.Equal("LlamaForCausalLM", (string?)report["Architecture"]);
        Assert.Equal("a cat sat", (string?)report["SampleDecoded"]);
    }

    [Fact]
    public void Should_describe_a_folder_with_weights_and_config_only()
    {
        // Given a folder transformers saved with config.json and model.safetensors only (a model golden)
        var dir = Directory.CreateDirectory(_dir.File("no-tokenizer")).FullName;
        foreach (var file in new[] { "config.json", "model.safetensors" })
        {
            File.Copy(Goldens.GoldenFiles.Path("models", "qwen2", file), Path.Combine(dir, file));
        }

        // When it is inspected, as text and as JSON
        var (code, output, error) = Run("inspect", "--model", dir);
        var (jsonCode, json, _) = Run("inspect", "--model", dir, "--json");

        // Then both succeed, say that no tokenizer is present, and report the model
        Assert.True(code == 0, error);
        Assert.Contains("none in this folder", output, StringComparison.Ordinal);
        Assert.Contains("Qwen2ForCausalLM", output, StringComparison.Ordinal);
        Assert.Equal(0, jsonCode);
        var report = JsonNode.Parse(json)!;
        Assert.Null(report["TokenizerKind"]);
        Assert.Equal(67, (int)report["ModelVocabSize"]!);
    }

    [Fact]
    public void Should_fail_in_one_line_when_the_folder_is_missing()
    {
        var (code, _, error) = Run("inspect", "--model", _dir.File("nope"));
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("nope", error);
    }

    [Fact]
    public void Should_fail_in_one_line_on_a_truncated_safetensors_file()
    {
        var dir = MakeModel();
        var path = Path.Combine(dir, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var (code, _, error) = Run("inspect", "--model", dir);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("model.safetensors", error);
    }

    [Fact]
    public void Should_fail_when_the_tokenizer_has_more_tokens_than_the_model()
    {
        var dir = MakeModel(vocabExtra: -3);
        var (code, _, error) = Run("inspect", "--model", dir);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("tokenizer", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Should_reject_an_unknown_device_naming_the_option()
    {
        var dir = MakeModel();
        var (code, _, error) = Run("inspect", "--model", dir, "--device", "tpu");
        Assert.Equal(1, code);
        Assert.Contains("--device tpu", error);
    }
}
