using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;

namespace Hyperfit.Images;

/// <summary>
/// transformers' <c>ImageGPTImageProcessor</c>, read from and written to <c>preprocessor_config.json</c>: resize to
/// <c>size</c> (when <c>do_resize</c> and the image differs), normalise to [−1, 1], and map each pixel to its nearest
/// colour cluster (<see cref="ColorPalette"/>), row-major, no start token. <see cref="Decode"/> maps ids back to pixels.
/// </summary>
/// <remarks><c>size</c> is either an integer (square, as released ImageGPT files have it) or
/// <c>{"height": H, "width": W}</c>. Keys Hyperfit does not use are kept and written back unchanged.</remarks>
public sealed class ImageGptProcessor
{
    public const string FileName = "preprocessor_config.json";

    private ImageGptProcessor(ColorPalette palette, int height, int width, bool doResize, JsonObject raw)
    {
        Palette = palette;
        Height = height;
        Width = width;
        DoResize = doResize;
        Raw = raw;
    }

    public ColorPalette Palette { get; }

    public int Height { get; }

    public int Width { get; }

    public bool DoResize { get; }

    /// <summary>Ids per image (H·W).</summary>
    public int Pixels => Height * Width;

    /// <summary>The file as read (or as it will be written).</summary>
    public JsonObject Raw { get; }

    /// <summary>A processor for <paramref name="palette"/> and images of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static ImageGptProcessor Create(ColorPalette palette, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(palette);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var raw = new JsonObject
        {
            ["clusters"] = new JsonArray([.. palette.Clusters.Select(c => (JsonNode)new JsonArray([.. c.Select(v => (JsonNode)v)]))]),
            ["do_color_quantize"] = true,
            ["do_normalize"] = true,
            ["do_resize"] = true,
            ["image_processor_type"] = "ImageGPTImageProcessor",
            ["resample"] = 2,
            ["size"] = new JsonObject { ["height"] = height, ["width"] = width },
        };
        return new ImageGptProcessor(palette, height, width, true, raw);
    }

    /// <summary>True when <paramref name="modelDirectory"/> holds a preprocessor_config.json.</summary>
    public static bool Exists(string modelDirectory) => File.Exists(Path.Combine(modelDirectory, FileName));

    /// <summary>Reads <c>preprocessor_config.json</c> of a model folder.</summary>
    /// <exception cref="InvalidDataException">Missing file, invalid JSON, missing or malformed <c>clusters</c>, a bad
    /// <c>size</c>, or <c>do_color_quantize</c> false; one line naming the file and the field.</exception>
    public static ImageGptProcessor Load(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: not found (an ImageGPT model folder needs preprocessor_config.json with the colour clusters)");
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON ({e.Message})", e);
        }

        return Parse(json, path);
    }

    /// <summary>Parses preprocessor_config.json content; <paramref name="source"/> names it in errors.</summary>
    public static ImageGptProcessor Parse(JsonObject json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        InvalidDataException Error(string message) => new($"{source}: {message}");
        if (json["clusters"] is not JsonArray rows)
        {
            throw Error("'clusters' is missing (or not an array): the colour palette, K rows of 3 values in [-1, 1]");
        }

        var clusters = new List<IReadOnlyList<double>>(rows.Count);
        for (var k = 0; k < rows.Count; k++)
        {
            if (rows[k] is not JsonArray row || row.Count != 3)
            {
                throw Error($"'clusters' must have shape (K, 3); row {k} is {(rows[k] is JsonArray a ? $"{a.Count} values long" : rows[k]?.GetValueKind().ToString().ToLowerInvariant() ?? "null")}");
            }

            clusters.Add([.. row.Select((v, c) => v is JsonValue n && n.GetValueKind() == JsonValueKind.Number
                ? n.GetValue<double>()
                : throw Error($"clusters[{k}][{c}] is not a number"))]);
        }

        ColorPalette palette;
        try
        {
            palette = new ColorPalette(clusters);
        }
        catch (ArgumentException e)
        {
            throw Error(e.Message.Replace(" (Parameter 'clusters')", "", StringComparison.Ordinal));
        }

        var (height, width) = ReadSize(json["size"], Error);
        if (Bool(json, "do_color_quantize", true, Error) is false)
        {
            throw Error("'do_color_quantize' is false: ImageGPT models read cluster ids, so Hyperfit always quantises");
        }

        if (Bool(json, "do_normalize", true, Error) is false)
        {
            throw Error("'do_normalize' is false: the clusters live in [-1, 1], so un-normalised pixels cannot be quantised against them (not supported)");
        }

        return new ImageGptProcessor(palette, height, width, Bool(json, "do_resize", true, Error), json);
    }

    /// <summary>Checks the processor against the model's config.json: one id per cluster plus the start token, and
    /// images that fit the positions in <paramref name="layout"/>.</summary>
    /// <exception cref="InvalidDataException">The vocabulary does not match the palette, or the images are too large.</exception>
    public void CheckAgainst(Models.ImageGPT.ImageGPTConfig config, string modelDirectory, ImageSequenceLayout layout)
    {
        ArgumentNullException.ThrowIfNull(config);
        var path = Path.Combine(modelDirectory, FileName);
        if (config.Clusters != Palette.Count)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {Palette.Count} clusters, but config.json vocab_size {config.VocabSize} implies {config.Clusters} (clusters + 1 start token)"));
        }

        var needed = SequenceLength(layout) - 1; // the last id is only ever a target
        if (needed > config.NPositions)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: size {Height}×{Width} needs {needed} positions in the {Describe(layout)} layout, config.json n_positions is {config.NPositions}"));
        }
    }

    /// <summary>Ids of a training or generation sequence for one image.</summary>
    public int SequenceLength(ImageSequenceLayout layout) => layout == ImageSequenceLayout.StartToken ? Pixels + 1 : Pixels;

    /// <summary>The cluster ids of an image (resized first when needed and allowed).</summary>
    /// <exception cref="InvalidDataException">The image has another size and <c>do_resize</c> is false.</exception>
    public int[] Encode(RgbImage image, string source = "image")
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width != Width || image.Height != Height)
        {
            if (!DoResize)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{source}: image is {image.Width}×{image.Height}, {FileName} size is {Width}×{Height} and do_resize is false"));
            }

            image = ImageFiles.Resize(image, Width, Height);
        }

        return Palette.Quantize(image);
    }

    /// <summary>Pixels of H·W cluster ids.</summary>
    public RgbImage Decode(IReadOnlyList<int> ids) => Palette.Decode(ids, Width, Height);

    /// <summary>Writes <c>preprocessor_config.json</c> into <paramref name="directory"/> atomically.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        HfModelSaver.WriteAtomically(Path.Combine(directory, FileName), Raw.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    public static string Describe(ImageSequenceLayout layout) => layout == ImageSequenceLayout.StartToken ? "start-token" : "raw";

    private static (int Height, int Width) ReadSize(JsonNode? node, Func<string, InvalidDataException> error)
    {
        static int? Whole(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i : null;
        int? height, width;
        switch (node)
        {
            case null:
                // transformers' default
                (height, width) = (256, 256);
                break;
            case JsonObject o:
                (height, width) = (Whole(o["height"]), Whole(o["width"]));
                if (o.Any(kv => kv.Key is not ("height" or "width")))
                {
                    throw error($"'size' must be an integer or {{\"height\": H, \"width\": W}}, got {o.ToJsonString()}");
                }

                break;
            default:
                height = width = Whole(node);
                break;
        }

        if (height is not >= 1 || width is not >= 1)
        {
            throw error($"'size' must be a positive integer or {{\"height\": H, \"width\": W}} with positive integers, got {node?.ToJsonString()}");
        }

        return (height.Value, width.Value);
    }

    private static bool Bool(JsonObject json, string key, bool fallback, Func<string, InvalidDataException> error) => json[key] switch
    {
        null => fallback,
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        var other => throw error($"'{key}' must be true or false, got {other.ToJsonString()}"),
    };
}
