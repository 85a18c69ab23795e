using System.Text.Json;
using Hyperfit.Tests.Goldens;

namespace Hyperfit.Tests.Images;

/// <summary>The ImageGPT goldens made by transformers (tools/goldens/make_imagegpt_goldens.py), read from the source
/// tree through <see cref="GoldenFiles"/>.</summary>
internal static class ImageGoldens
{
    public static string Root { get; } = GoldenFiles.Path("imagegpt");

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static JsonElement Golden { get; } = GoldenFiles.Json("imagegpt", "golden.json").RootElement;

    public static float[] Floats(string name) => GoldenFiles.Floats(Golden.GetProperty(name));

    public static int[] Ints(JsonElement e) => GoldenFiles.Ints(e);

    public static int[] Ints(string name) => Ints(Golden.GetProperty(name));

    public static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => GoldenFiles.MaxAbsDiff(a, b);
}
