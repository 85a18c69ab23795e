using System.Globalization;
using System.Text.Json.Nodes;

namespace Hyperfit.Experiments;

/// <summary><c>hyperfit demo --image</c>: the shipped image spec (<c>experiments/demo-image.json</c>) on the shipped
/// Fashion-MNIST ImageGPT model — an ordinary image spec a user can also <c>hyperfit run</c>.</summary>
public static class ImageDemo
{
    public const string SpecPath = "experiments/demo-image.json";

    public const string DefaultOutput = "demo-report-image";

    /// <summary>The spec, found like the text demo's (walking up from the working directory, then the program's folder).</summary>
    public static string FindSpec(IEnumerable<string> searchFrom)
    {
        ArgumentNullException.ThrowIfNull(searchFrom);
        var starts = searchFrom.ToList();
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, SpecPath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"{SpecPath}: not found above {string.Join(" or ", starts)}; run the demo inside a clone of the Hyperfit repository (it holds the image model, data and spec) or pass --spec");
    }

    /// <summary>Loads the spec; with <paramref name="baseModel"/> its <c>base_model</c> is replaced (the hash changes with it).</summary>
    public static ImageExperimentSpec LoadSpec(string specPath, string? baseModel = null)
    {
        if (baseModel is null)
        {
            return ImageExperimentSpec.Load(specPath);
        }

        var model = Path.GetFullPath(baseModel);
        return Directory.Exists(model)
            ? ImageExperimentSpec.Load(specPath, new Dictionary<string, JsonNode?> { ["base_model"] = model })
            : throw new DirectoryNotFoundException($"--model {baseModel}: folder not found");
    }

    /// <summary>The demo's opening lines.</summary>
    public static IReadOnlyList<string> Describe(ImageExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = spec.Recipe;
        return
        [
            $"base model   {spec.BaseModelDir}",
            string.Create(CultureInfo.InvariantCulture,
                $"hyperfit     {r.Samples} images of {spec.HyperfitImages.Data} ({r.ValidationSequences} more for validation), {(r.MaxUpdates is { } m ? $"{m} updates" : $"{r.Epochs} epochs")}, lr {r.LearningRate:G3}, batch {r.BatchSize}, {r.DType}"),
            string.Create(CultureInfo.InvariantCulture,
                $"complete     images {spec.CompletionImages.Skip}…{spec.CompletionImages.Skip + (spec.CompletionImages.Take ?? 0) - 1} of {spec.CompletionImages.Data}, greedy from their first rows"),
            $"layout       {Images.ImageGptProcessor.Describe(spec.Layout)}",
            $"seeds        {string.Join(", ", spec.Seeds)}",
        ];
    }
}
