using System.Text.Json;

namespace Hyperfit.Tests.Images;

/// <summary>The ImageGPT goldens made by transformers (tools/goldens/make_imagegpt_goldens.py), read from the source tree.</summary>
internal static class ImageGoldens
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static JsonElement Golden { get; } = JsonDocument.Parse(File.ReadAllBytes(Path("golden.json"))).RootElement;

    public static float[] Floats(string name) => [.. Golden.GetProperty(name).EnumerateArray().Select(x => (float)x.GetDouble())];

    public static int[] Ints(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetInt32())];

    public static int[] Ints(string name) => Ints(Golden.GetProperty(name));

    public static double MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }

        return max;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Hyperfit.slnx")))
            {
                return System.IO.Path.Combine(dir.FullName, "tests", "Hyperfit.Tests", "Goldens", "imagegpt");
            }
        }

        throw new DirectoryNotFoundException($"no Hyperfit.slnx above {AppContext.BaseDirectory}");
    }
}
