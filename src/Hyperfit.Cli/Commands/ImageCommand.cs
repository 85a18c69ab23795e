using System.CommandLine;
using System.Globalization;
using Hyperfit.Images;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit image palette|new-model|encode|decode</c>: the image side's preparation steps (docs/images.md).
/// Training is <c>hyperfit pretrain</c> / <c>train</c> on an ImageGPT folder; experiments are <c>hyperfit run</c> specs.</summary>
public static class ImageCommand
{
    public static Command Create()
    {
        var command = new Command("image", "ImageGPT helpers: fit a colour palette, create a model, images ↔ cluster ids.");
        command.Add(Palette());
        command.Add(NewModel());
        command.Add(Encode());
        command.Add(Decode());
        return command;
    }

    /// <summary>raw | start-token, for --layout options.</summary>
    public static ImageSequenceLayout ParseLayout(string value, string option) => value.Trim().ToLowerInvariant() switch
    {
        "raw" => ImageSequenceLayout.Raw,
        "start-token" or "start_token" or "sos" => ImageSequenceLayout.StartToken,
        _ => throw new ArgumentException($"{option} {value}: expected raw or start-token"),
    };

    private static Command Palette()
    {
        var data = new Option<string>("--data") { Description = "images: IDX file, CIFAR-10 .bin/folder, Parquet, PNG/JPEG folder", Required = true };
        var clusters = new Option<int>("--clusters") { Description = "colour clusters (ImageGPT: 512)", DefaultValueFactory = _ => 512 };
        var size = new Option<int?>("--size") { Description = "square image side the processor resizes to, the palette fitted at that size (default: the first image's, which must be square)" };
        var limit = new Option<int?>("--limit") { Description = "fit on the first N images only" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--out") { Description = "folder for preprocessor_config.json", Required = true };
        var command = new Command("palette", "Fit a k-means colour palette (normalised RGB) on images and write preprocessor_config.json.")
        {
            data, clusters, size, limit, seed, output,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var (fitted, images, side, file) = ImagePreparation.FitPalette(parse.GetValue(data)!, parse.GetValue(clusters), parse.GetValue(size),
                parse.GetValue(limit), parse.GetValue(seed), parse.GetValue(output)!);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{fitted} clusters fitted on {images} images; {file} (size {side}×{side})"));
            return 0;
        }));
        return command;
    }

    private static Command NewModel()
    {
        var processorDir = new Option<string>("--processor") { Description = "folder with preprocessor_config.json (from 'image palette')", Required = true };
        var preset = new Option<string>("--preset") { Description = "tiny (32/2 layers), small (128/4), base (256/6)", DefaultValueFactory = _ => "small" };
        var hidden = new Option<int?>("--hidden") { Description = "n_embd (overrides the preset)" };
        var layers = new Option<int?>("--layers") { Description = "n_layer (overrides the preset)" };
        var heads = new Option<int?>("--heads") { Description = "n_head (overrides the preset)" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--out") { Description = "new model folder", Required = true };
        var command = new Command("new-model", "A freshly initialised ImageGPTForCausalImageModeling around a palette (Hugging Face layout).")
        {
            processorDir, preset, hidden, layers, heads, seed, output,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            ImagePreparation.NewModel(parse.GetValue(processorDir)!, parse.GetValue(preset)!, parse.GetValue(hidden), parse.GetValue(layers),
                parse.GetValue(heads), parse.GetValue(seed), parse.GetValue(output)!);
            Console.WriteLine($"wrote {parse.GetValue(output)}");
            return 0;
        }));
        return command;
    }

    private static Command Encode()
    {
        var model = CommonOptions.Model("ImageGPT model folder (config.json + preprocessor_config.json)");
        var data = new Option<string>("--data") { Description = "images: IDX file, CIFAR-10 .bin/folder, Parquet, PNG/JPEG folder or file", Required = true };
        var layout = new Option<string>("--layout") { Description = "raw or start-token", DefaultValueFactory = _ => "raw" };
        var column = new Option<string>("--column") { Description = "Parquet image column", DefaultValueFactory = _ => "img" };
        var output = new Option<string>("--out") { Description = "JSONL file: one {\"input_ids\": [...]} per image", Required = true };
        var command = new Command("encode", "Images → cluster id sequences (JSONL), as transformers' ImageGPTImageProcessor gives them.") { model, data, layout, column, output };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var count = ImagePreparation.Encode(parse.GetValue(model)!, parse.GetValue(data)!, ParseLayout(parse.GetValue(layout)!, "--layout"),
                parse.GetValue(column)!, parse.GetValue(output)!);
            Console.WriteLine($"{count} images → {parse.GetValue(output)}");
            return 0;
        }));
        return command;
    }

    private static Command Decode()
    {
        var model = CommonOptions.Model("ImageGPT model folder (preprocessor_config.json)");
        var ids = new Option<string>("--ids") { Description = "JSONL of {\"input_ids\": [...]} (H·W ids, or a start id first)", Required = true };
        var output = new Option<string>("--out") { Description = "folder for 000000.png, 000001.png, …", Required = true };
        var command = new Command("decode", "Cluster id sequences → PNG images.") { model, ids, output };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var outDir = parse.GetValue(output)!;
            var count = ImagePreparation.Decode(parse.GetValue(model)!, parse.GetValue(ids)!, outDir);
            Console.WriteLine($"{count} images → {outDir}");
            return 0;
        }));
        return command;
    }
}
