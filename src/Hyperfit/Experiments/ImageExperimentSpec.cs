using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Images;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>A range of images of one local source (<see cref="ImageSource"/>): images <c>skip</c> … <c>skip + take − 1</c>
/// (all after <c>skip</c> when <c>take</c> is null).</summary>
public sealed record ImageRangeSpec(string Data, string Column, int Skip, int? Take)
{
    public bool Overlaps(ImageRangeSpec other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!string.Equals(Path.GetFullPath(Data), Path.GetFullPath(other.Data), StringComparison.Ordinal))
        {
            return false;
        }

        var end = Take is { } t ? Skip + (long)t : long.MaxValue;
        var otherEnd = other.Take is { } o ? other.Skip + (long)o : long.MaxValue;
        return Skip < otherEnd && other.Skip < end;
    }
}

/// <summary>
/// An image experiment (§7.1, Appendix B.1; a spec with <c>"kind": "image"</c>): hyperfit an ImageGPT model on N images
/// (the recipe's <c>samples</c>, drawn from <c>hyperfit</c>'s range with <c>validation_sequences</c> held-out images for
/// the per-epoch validation loss), then complete other images from their first rows greedily with the base and each
/// hyperfitted model, and report grids, Figure 10 and repetition / copying / error numbers. Relative paths resolve
/// against the spec file's folder; everything is checked before any work starts (docs/images.md).
/// </summary>
public sealed record ImageExperimentSpec
{
    public const string Kind = "image";

    public required string SpecFile { get; init; }

    public required string Hash { get; init; }

    public required JsonObject Json { get; init; }

    public string Name { get; init; } = "";

    public required string BaseModelDir { get; init; }

    /// <summary>Raw (the paper's official code, default) or start-token (transformers' pre-training layout).</summary>
    public ImageSequenceLayout Layout { get; init; } = ImageSequenceLayout.Raw;

    /// <summary>Where the hyperfitting and validation images are drawn from.</summary>
    public required ImageRangeSpec HyperfitImages { get; init; }

    /// <summary>The recipe (paper preset, then the spec's overrides; <c>validate_every</c> one epoch unless given);
    /// <c>sequence_length</c> follows the images; seed set per run.</summary>
    public required HyperfitRecipe Recipe { get; init; }

    /// <summary>Held-out images whose first rows are completed.</summary>
    public required ImageRangeSpec CompletionImages { get; init; }

    /// <summary>Rows given as context; null: 25% of the image height (the paper's 8 of 32).</summary>
    public int? ContextRows { get; init; }

    /// <summary>Completions shown in the grids (the first ones).</summary>
    public int GridImages { get; init; } = 8;

    public IReadOnlyList<long> Seeds { get; init; } = [42];

    /// <summary>Images completed per batched decode.</summary>
    public int BatchSize { get; init; } = 16;

    public string Device { get; init; } = "cpu";

    /// <summary>True when a spec file's root declares <c>"kind": "image"</c> (what <c>hyperfit run</c> dispatches on).</summary>
    public static bool IsImageSpec(string path)
    {
        try
        {
            return File.Exists(path)
                   && JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }) is JsonObject o
                   && o["kind"] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == Kind;
        }
        catch (JsonException)
        {
            return false; // the text spec reader reports the JSON error
        }
    }

    public static ImageExperimentSpec Load(string path, IReadOnlyDictionary<string, JsonNode?>? overrides = null)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{path}: spec file not found", path);
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(full), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })?.AsObject()
                   ?? throw new InvalidDataException($"{full}: expected a JSON object");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{full}: invalid JSON ({e.Message.Split('\n')[0]})", e);
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, JsonNode?>())
        {
            root[key] = value?.DeepClone();
        }

        return new Reader(full).Read(root);
    }

    /// <summary>The recipe of the run for <paramref name="seed"/>.</summary>
    public HyperfitRecipe RecipeFor(long seed) => Recipe with { Seed = seed };

    private sealed class Reader(string file)
    {
        private static readonly string[] RootKeys =
            ["kind", "name", "description", "base_model", "layout", "hyperfit", "completions", "grid_images", "seeds", "batch_size", "device"];

        private static readonly string[] HyperfitKeys = ["data", "column", "skip", "take", "recipe"];
        private static readonly string[] CompletionKeys = ["data", "column", "skip", "take", "context_rows"];
        private readonly string _folder = Path.GetDirectoryName(file)!;

        public ImageExperimentSpec Read(JsonObject root)
        {
            Keys(root, RootKeys, "");
            if (Str(root["kind"], "kind") != Kind)
            {
                throw Error($"'kind' must be \"{Kind}\"");
            }

            var baseModel = PathOf(Required(root, "base_model", ""), "base_model", directory: true);
            var layout = Str(root["layout"], "layout") switch
            {
                null or "raw" => ImageSequenceLayout.Raw,
                "start-token" or "start_token" => ImageSequenceLayout.StartToken,
                var other => throw Error($"layout '{other}' must be raw or start-token"),
            };
            ImageGptProcessor processor;
            try
            {
                (processor, _) = ImageDataset.OpenModel(baseModel, layout);
            }
            catch (Exception e) when (e is InvalidDataException or Checkpoints.CheckpointLoadException)
            {
                throw Error($"base_model: {e.Message}");
            }

            var hyperfit = Obj(Required(root, "hyperfit", ""), "hyperfit");
            Keys(hyperfit, HyperfitKeys, "hyperfit.");
            var hyperfitImages = Range(hyperfit, "hyperfit");
            var recipe = ReadRecipe(hyperfit["recipe"], processor, layout);

            var completions = Obj(Required(root, "completions", ""), "completions");
            Keys(completions, CompletionKeys, "completions.");
            var completionImages = Range(completions, "completions");
            if (completionImages.Overlaps(hyperfitImages))
            {
                throw Error("completions: its images overlap hyperfit's (same data, overlapping skip/take): completions must be held out");
            }

            var contextRows = Int(completions["context_rows"], "completions.context_rows", 1);
            if (contextRows >= processor.Height)
            {
                throw Error(string.Create(CultureInfo.InvariantCulture, $"completions.context_rows ({contextRows}) must be below the image height ({processor.Height})"));
            }

            var seeds = root["seeds"] is JsonArray a && a.Count > 0
                ? [.. a.Select(e => e is JsonValue v && v.TryGetValue<long>(out var l) ? l : throw Error("seeds must be a non-empty array of integers"))]
                : root["seeds"] is null ? new List<long> { 42 } : throw Error("seeds must be a non-empty array of integers");
            if (seeds.Distinct().Count() != seeds.Count)
            {
                throw Error("seeds lists a seed twice");
            }

            return new ImageExperimentSpec
            {
                SpecFile = file,
                Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root.ToJsonString()))),
                Json = root,
                Name = Str(root["name"], "name") ?? Path.GetFileNameWithoutExtension(file),
                BaseModelDir = baseModel,
                Layout = layout,
                HyperfitImages = hyperfitImages,
                Recipe = recipe,
                CompletionImages = completionImages,
                ContextRows = contextRows,
                GridImages = Int(root["grid_images"], "grid_images", 1) ?? 8,
                Seeds = seeds,
                BatchSize = Int(root["batch_size"], "batch_size", 1) ?? 16,
                Device = Device(Str(root["device"], "device") ?? "cpu"),
            };
        }

        /// <summary>The device, checked now (<see cref="SpecKeys.DeviceProblem"/>).</summary>
        private string Device(string name) => SpecKeys.DeviceProblem(name) is { } problem ? throw Error(problem) : name;

        private ImageRangeSpec Range(JsonObject o, string where) => new(
            PathOf(Required(o, "data", where + "."), where + ".data", directory: null),
            Str(o["column"], where + ".column") ?? "img",
            Int(o["skip"], where + ".skip", 0) ?? 0,
            Int(o["take"], where + ".take", 1));

        private HyperfitRecipe ReadRecipe(JsonNode? node, ImageGptProcessor processor, ImageSequenceLayout layout)
        {
            try
            {
                var overrides = node switch
                {
                    null => new JsonObject(),
                    JsonObject o => o,
                    _ => throw Error("hyperfit.recipe must be an object of recipe overrides"),
                };
                var recipe = HyperfitRecipe.Parse(overrides.ToJsonString(), $"{file}: hyperfit.recipe");
                recipe = ImageDataset.AdaptRecipe(recipe, processor, layout);
                if (!overrides.ContainsKey("validate_every"))
                {
                    recipe = recipe with { ValidateEvery = recipe.UpdatesPerEpoch }; // B.1: validation at each epoch's end
                }

                if (!overrides.ContainsKey("checkpoint_every"))
                {
                    recipe = recipe with { CheckpointEvery = 0 };
                }

                return recipe.Validate();
            }
            catch (FieldException e)
            {
                throw Error(SpecKeys.Describe(e, new Dictionary<string, string> { ["recipe"] = "hyperfit.recipe" }));
            }
            catch (ArgumentException e)
            {
                throw Error($"hyperfit.recipe: {e.Message}");
            }
        }

        private string PathOf(JsonNode node, string key, bool? directory)
        {
            var raw = Str(node, key)!;
            var full = Path.GetFullPath(Path.Combine(_folder, raw));
            var exists = directory switch
            {
                true => Directory.Exists(full),
                false => File.Exists(full),
                null => Directory.Exists(full) || File.Exists(full),
            };
            return exists ? full : throw Error($"{key}: not found: {raw} (resolved to {full})");
        }

        private void Keys(JsonObject o, string[] known, string prefix)
        {
            foreach (var (key, _) in o)
            {
                if (!known.Contains(key, StringComparer.Ordinal))
                {
                    throw Error($"unknown key '{prefix}{key}' (known here: {string.Join(", ", known)})");
                }
            }
        }

        private JsonNode Required(JsonObject o, string key, string prefix) => o[key] ?? throw Error($"missing key '{prefix}{key}'");

        private JsonObject Obj(JsonNode node, string key) => node as JsonObject ?? throw Error($"key '{key}' must be an object");

        private string? Str(JsonNode? node, string key) => node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw Error($"key '{key}' must be a string"),
        };

        private int? Int(JsonNode? node, string key, int min)
        {
            if (node is null)
            {
                return null;
            }

            if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<int>(out var i))
            {
                throw Error($"key '{key}' must be an integer (got {node.ToJsonString()})");
            }

            return i >= min ? i : throw Error(string.Create(CultureInfo.InvariantCulture, $"key '{key}' must be at least {min} (got {i})"));
        }

        private InvalidDataException Error(string message) => new($"{file}: {message}");
    }
}
