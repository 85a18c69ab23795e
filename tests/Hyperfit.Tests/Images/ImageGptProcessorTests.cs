using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Images;
using Hyperfit.Models;
using Hyperfit.Models.ImageGPT;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.Images;

/// <summary>preprocessor_config.json read strictly (both size forms), the palette checked against the model, and
/// k-means palettes.</summary>
public sealed class ImageGptProcessorTests
{
    private static JsonObject Config(JsonNode? clusters, JsonNode? size) => new() { ["clusters"] = clusters, ["size"] = size };

    private static JsonArray Gray(params double[] values) => new([.. values.Select(v => (JsonNode)new JsonArray(v, v, v))]);

    [Fact]
    public void Should_accept_size_as_an_integer_or_height_and_width()
    {
        var square = ImageGptProcessor.Parse(Config(Gray(-1, 1), 32), "a.json");
        var rect = ImageGptProcessor.Parse(Config(Gray(-1, 1), new JsonObject { ["height"] = 4, ["width"] = 6 }), "b.json");

        Assert.Equal((32, 32), (square.Height, square.Width));
        Assert.Equal((4, 6), (rect.Height, rect.Width));
    }

    [Theory]
    [InlineData("""{"size": 8}""", "'clusters' is missing")]
    [InlineData("""{"clusters": [[0, 0], [1, 1]], "size": 8}""", "shape (K, 3); row 0 is 2 values long")]
    [InlineData("""{"clusters": [[0, 0, "x"]], "size": 8}""", "clusters[0][2] is not a number")]
    [InlineData("""{"clusters": [[0, 0, 0]], "size": -2}""", "'size' must be a positive integer")]
    [InlineData("""{"clusters": [[0, 0, 0]], "size": {"height": 4}}""", "'size' must be a positive integer")]
    [InlineData("""{"clusters": [[0, 0, 0]], "size": 8, "do_color_quantize": false}""", "do_color_quantize")]
    public void Should_refuse_a_bad_preprocessor_config_naming_the_field(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => ImageGptProcessor.Parse(JsonNode.Parse(json)!.AsObject(), "dir/preprocessor_config.json"));
        Assert.StartsWith("dir/preprocessor_config.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_palette_that_does_not_match_the_vocabulary_and_images_too_large_for_the_positions()
    {
        // Given a model with vocab 5 (4 clusters + start) and 16 positions
        var config = (ImageGPTConfig)ModelRegistry.ReadConfig(new ModelBlueprint("imagegpt", 5, 16, 1, 2, 2, 32, 16).ToConfigJson());
        var three = ImageGptProcessor.Parse(Config(Gray(-1, 0, 1), 4), "p.json");
        var big = ImageGptProcessor.Parse(Config(Gray(-1, -0.5, 0.5, 1), 5), "p.json");
        var fits = ImageGptProcessor.Parse(Config(Gray(-1, -0.5, 0.5, 1), 4), "p.json");

        var vocab = Assert.Throws<InvalidDataException>(() => three.CheckAgainst(config, "m", ImageSequenceLayout.Raw));
        var size = Assert.Throws<InvalidDataException>(() => big.CheckAgainst(config, "m", ImageSequenceLayout.Raw));

        Assert.Contains("3 clusters, but config.json vocab_size 5 implies 4", vocab.Message, StringComparison.Ordinal);
        Assert.Contains("size 5×5 needs 24 positions", size.Message, StringComparison.Ordinal);
        fits.CheckAgainst(config, "m", ImageSequenceLayout.Raw);
        fits.CheckAgainst(config, "m", ImageSequenceLayout.StartToken); // 1 + 16 ids, the last never fed
    }

    [Fact]
    public void Should_resize_only_when_allowed_and_round_trip_clusters_to_pixels()
    {
        var processor = ImageGptProcessor.Parse(Config(Gray(-1, 1), new JsonObject { ["height"] = 2, ["width"] = 2 }), "p.json");
        var strict = ImageGptProcessor.Parse(new JsonObject { ["clusters"] = Gray(-1, 1), ["size"] = 2, ["do_resize"] = false }, "p.json");
        var four = RgbImage.FromGray(4, 4, [.. Enumerable.Repeat((byte)250, 16)]);

        Assert.Equal([1, 1, 1, 1], processor.Encode(four));
        var error = Assert.Throws<InvalidDataException>(() => strict.Encode(four, "x.png"));
        Assert.Contains("x.png: image is 4×4, preprocessor_config.json size is 2×2 and do_resize is false", error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0 }, processor.Decode([0, 1, 1, 0]).Pixels);
        Assert.Throws<ArgumentException>(() => processor.Decode([0, 1, 2, 0])); // 2 is the start token, not a colour
    }

    [Fact]
    public void Should_fit_a_palette_that_puts_each_gray_cluster_at_its_colours_mean()
    {
        // Given pixels at three well-separated gray levels, 10, 12 (×3) and 200 (×2)
        var image = RgbImage.FromGray(6, 1, [10, 12, 12, 12, 200, 200]);

        // When two clusters are fitted
        var palette = KMeansPalette.Fit([image], 2, seed: 1);

        // Then one centre is the weighted mean of 10, 12, 12, 12 and the other is 200, darkest first
        var expectedLow = ColorPalette.Normalize(10) + (3.0 * ColorPalette.Normalize(12));
        Assert.Equal(Math.Round(expectedLow / 4, 6), palette.Clusters[0][0], 6);
        Assert.Equal(Math.Round((double)ColorPalette.Normalize(200), 6), palette.Clusters[1][0], 6);
        Assert.Throws<ArgumentException>(() => KMeansPalette.Fit([image], 4));
    }

    [Fact]
    public void Should_save_and_load_the_processor_unchanged()
    {
        using var dir = new TempDirectory();
        var processor = ImageGptProcessor.Create(new ColorPalette([[-1, -1, -1], [0.5, 0.25, 1]]), 3, 5);
        processor.Save(dir.Path);
        var loaded = ImageGptProcessor.Load(dir.Path);
        Assert.Equal((3, 5), (loaded.Height, loaded.Width));
        Assert.Equal(processor.Palette.Clusters, loaded.Palette.Clusters);
        Assert.Equal("ImageGPTImageProcessor", (string?)loaded.Raw["image_processor_type"]);
        Assert.True(HfModelSaver.CompanionFiles.Contains(ImageGptProcessor.FileName));
    }
}
