using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Experiments;
using Hyperfit.Images;
using Hyperfit.Models.ImageGPT;

namespace Hyperfit.Tests.Images;

/// <summary>The shipped image model, demo spec, vendored data and the paper's CIFAR-10 spec are what the docs say.</summary>
public sealed class ShippedImageFilesTests
{
    private static string Repo(params string[] parts) => Path.Combine([Path.GetFullPath(Path.Combine(ImageGoldens.Root, "..", "..", "..", "..")), .. parts]);

    [Fact]
    public void Should_load_the_demo_spec_on_the_shipped_model_and_vendored_images()
    {
        var spec = ImageExperimentSpec.Load(Repo("experiments", "demo-image.json"));
        var data = ImageExperimentData.Load(spec);

        Assert.Equal(ImageSequenceLayout.Raw, spec.Layout);
        Assert.Equal((32, 16, 50, 0.003), (spec.Recipe.Samples, spec.Recipe.ValidationSequences, spec.Recipe.Epochs, spec.Recipe.LearningRate));
        Assert.Equal(4, spec.Recipe.UpdatesPerEpoch);
        Assert.Equal(4, spec.Recipe.ValidateEvery); // each epoch's end
        Assert.Equal((14, 14, 3), (data.Processor.Height, data.Processor.Width, data.ContextRows));
        Assert.Equal(32, data.CompletionIds.Count);
        Assert.Equal(1024, IdxImages.Read(Repo("data", "fashion-mnist", "t10k-images-first1024-idx3-ubyte.gz")).Count);
    }

    [Fact]
    public void Should_ship_an_image_model_under_20_mb_whose_palette_fits_its_vocabulary()
    {
        var dir = Repo("models", "fashion-imagegpt-small");
        var config = (ImageGPTConfig)HfModelLoader.ReadConfig(dir);
        var bytes = Directory.GetFiles(dir).Sum(f => new FileInfo(f).Length);
        using var model = HfModelLoader.Load(dir);

        Assert.True(bytes < 20L << 20, $"{bytes} bytes");
        Assert.Equal(821_504, model.parameters().Sum(p => p.numel()));
        Assert.Equal(16, config.Clusters);
        ImageGptProcessor.Load(dir).CheckAgainst(config, dir, ImageSequenceLayout.Raw);
    }

    [Fact]
    public void Should_state_the_papers_cifar10_setup_in_paper_image_json()
    {
        var spec = JsonNode.Parse(File.ReadAllText(Repo("experiments", "paper-image.json")))!;
        var recipe = spec["hyperfit"]!["recipe"]!;

        Assert.Equal("image", (string?)spec["kind"]);
        Assert.Equal("raw", (string?)spec["layout"]);
        Assert.Equal((2000, 128, 50, 0.003, 8), ((int)recipe["samples"]!, (int)recipe["validation_sequences"]!, (int)recipe["epochs"]!, (double)recipe["learning_rate"]!, (int)recipe["batch_size"]!));
        Assert.Equal(8, (int)spec["completions"]!["context_rows"]!);
        Assert.EndsWith("test_batch.bin", (string?)spec["completions"]!["data"], StringComparison.Ordinal);
    }

    [Fact]
    public void Should_parse_paper_image_json_against_stand_ins_for_imagegpt_large_and_cifar10()
    {
        // Given the spec copied into a tree with a tiny 32 × 32 ImageGPT and one-record CIFAR-10 batches at its paths
        using var tree = new Checkpoints.TempDirectory();
        Directory.CreateDirectory(Path.Combine(tree.Path, "experiments"));
        File.Copy(Repo("experiments", "paper-image.json"), Path.Combine(tree.Path, "experiments", "paper-image.json"));
        ImageTinyModel.Create(Path.Combine(tree.Path, "models", "imagegpt-large"), side: 32);
        var cifar = Path.Combine(tree.Path, "data", "cifar-10-batches-bin");
        Directory.CreateDirectory(cifar);
        foreach (var name in new[] { "data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch" })
        {
            File.WriteAllBytes(Path.Combine(cifar, name + ".bin"), new byte[3073]);
        }

        // When it is loaded (on this machine's device: the spec asks for cuda, which a spec load checks before any step)
        var path = Path.Combine(tree.Path, "experiments", "paper-image.json");
        Assert.Equal("cuda", System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!["device"]!.GetValue<string>());
        if (!TorchSharp.torch.cuda.is_available())
        {
            var refused = Assert.Throws<InvalidDataException>(() => ImageExperimentSpec.Load(path));
            Assert.StartsWith($"{path}: device cuda: CUDA is not available", refused.Message, StringComparison.Ordinal);
        }

        var spec = ImageExperimentSpec.Load(path, new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["device"] = "cpu" });

        // Then every key is accepted and means what the paper says
        Assert.Equal((2000, 128, 50, 8, 0.0), (spec.Recipe.Samples, spec.Recipe.ValidationSequences, spec.Recipe.Epochs, spec.Recipe.BatchSize, spec.Recipe.Dropout));
        Assert.Equal(250, spec.Recipe.ValidateEvery); // 2000 / 8 updates: each epoch's end
        Assert.Equal(1024, spec.Recipe.SequenceLength);
        Assert.Equal((8, "cpu"), (spec.ContextRows, spec.Device));
    }
}
