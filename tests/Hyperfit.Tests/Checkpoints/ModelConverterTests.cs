using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Models;
using Hyperfit.Tests.Models;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Checkpoints;

public sealed class ModelConverterTests
{
    [Fact]
    public void Should_write_bfloat16_weights_equal_to_torch_rounding_and_keep_companion_files()
    {
        using var source = new TempDirectory();
        using var target = new TempDirectory();
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.Llama()), new ModelOptions(ScalarType.Float32));
        SeededWeights.Fill(model, seed: 3, perturbation: 0.1);

        HfModelSaver.Save(model, source.Path);
        File.WriteAllText(source.File("tokenizer.json"), "{}");

        ModelConverter.Convert(source.Path, ScalarType.BFloat16, target.Path);

        var config = JsonNode.Parse(File.ReadAllText(target.File("config.json")))!;
        Assert.Equal("bfloat16", config["torch_dtype"]!.GetValue<string>());
        Assert.Equal("{}", File.ReadAllText(target.File("tokenizer.json")));
        using var loaded = HfModelLoader.Load(target.Path, new ModelOptions(ScalarType.BFloat16));
        var converted = loaded.state_dict();
        foreach (var (name, tensor) in model.state_dict())
        {
            Assert.Equal(ScalarType.BFloat16, converted[name].dtype);
            Assert.True(tensor.to_type(ScalarType.BFloat16).bytes.SequenceEqual(converted[name].bytes), $"{name} is not torch's bf16 rounding");
        }

        // Half the bytes of the float32 file (up to the header).
        Assert.InRange(new FileInfo(target.File("model.safetensors")).Length, 0, new FileInfo(source.File("model.safetensors")).Length * 0.55);
    }

    [Fact]
    public void Should_refuse_to_overwrite_the_source_folder()
    {
        using var source = new TempDirectory();
        var e = Assert.Throws<FieldException>(() => ModelConverter.Convert(source.Path, ScalarType.BFloat16, source.Path + "/"));
        Assert.Equal(Fields.Output, e.Field); // the CLI shows it as --out
        Assert.Contains("must differ from the model folder", e.Message, StringComparison.Ordinal);
    }
}
