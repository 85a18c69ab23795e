using System.Text.Json;

namespace Hyperfit.Tests.Goldens;

/// <summary>Where the reference-made goldens live (tests/Hyperfit.Tests/Goldens, made by tools/goldens/*; see
/// docs/fidelity.md) and small readers for them. Tests read them from the source tree, as committed.</summary>
internal static class GoldenFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static JsonDocument Json(params string[] parts) => JsonDocument.Parse(File.ReadAllBytes(Path(parts)));

    public static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(x => (float)x.GetDouble())];

    public static int[] Ints(JsonElement e) => [.. e.EnumerateArray().Select(x => x.GetInt32())];

    /// <summary>A list or a list of lists of integers, flattened.</summary>
    public static long[] Longs(JsonElement e) =>
        [.. e.EnumerateArray().SelectMany(x => x.ValueKind == JsonValueKind.Array ? x.EnumerateArray().ToArray() : [x]).Select(x => x.GetInt64())];

    /// <summary>max |a − b| over two equally long arrays.</summary>
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
                return System.IO.Path.Combine(dir.FullName, "tests", "Hyperfit.Tests", "Goldens");
            }
        }

        throw new DirectoryNotFoundException($"no Hyperfit.slnx above {AppContext.BaseDirectory}");
    }
}
