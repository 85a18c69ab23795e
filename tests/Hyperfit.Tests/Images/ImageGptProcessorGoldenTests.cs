using System.Text.Json;
using Hyperfit.Images;

namespace Hyperfit.Tests.Images;

/// <summary>transformers' ImageGPTImageProcessor on real images (Fashion-MNIST test images, Noto emoji composited on
/// white) and on every gray value against a palette whose midpoints fall exactly on odd values: Hyperfit's ids are
/// identical, ties included.</summary>
public sealed class ImageGptProcessorGoldenTests
{
    public static TheoryData<string> Cases() => [.. ImageGoldens.Golden.GetProperty("processor_cases").EnumerateObject().Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_give_transformers_cluster_ids(string name)
    {
        // Given an image and the preprocessor_config.json transformers saved
        var c = ImageGoldens.Golden.GetProperty("processor_cases").GetProperty(name);
        var processor = ImageGptProcessor.Load(ImageGoldens.Path(c.GetProperty("processor").GetString()!));
        var image = name == "gray-ramp"
            ? RgbImage.FromGray(16, 16, Enumerable.Range(0, 256).Select(v => (byte)v).ToArray())
            : ImageFiles.Read(ImageGoldens.Path("images", name));

        // When Hyperfit quantises it (the ramp at its own size, as transformers ran it)
        var ids = name == "gray-ramp" ? processor.Palette.Quantize(image) : processor.Encode(image, name);

        // Then every id equals transformers'
        Assert.Equal(ImageGoldens.Ints(c.GetProperty("input_ids")), ids);
    }

    [Fact]
    public void Should_decode_clusters_to_pixels_as_transformers_docs_do()
    {
        // Given the RGB palette and transformers' rint(127.5 * (c + 1)) of it
        var processor = ImageGptProcessor.Load(ImageGoldens.Path("processor-rgb"));
        var expected = ImageGoldens.Golden.GetProperty("decoded_rgb_clusters").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray()).ToArray();

        // When each cluster is decoded
        var actual = Enumerable.Range(0, processor.Palette.Count).Select(k => processor.Palette.Color(k)).Select(c => new[] { c.R, c.G, c.B }).ToArray();

        // Then the pixels are identical
        Assert.Equal(expected, actual);
        Assert.Equal(JsonValueKind.Object, ImageGoldens.Golden.GetProperty("processor_cases").ValueKind);
    }
}
