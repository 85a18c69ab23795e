using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hyperfit.Checkpoints;
using Hyperfit.Generation;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit bench …</c>: speed measurements. <c>generate</c> for now; <c>train</c>/<c>metrics</c> can join it.</summary>
public static class BenchCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create() => new("bench", "Measure how fast parts of the toolkit run.") { CreateGenerate(), BenchTrainCommand.Create() };

    private static Command CreateGenerate()
    {
        var model = new Option<string?>("--model", "-m") { Description = "Hugging Face model folder (or use --random-model)" };
        var random = new Option<bool>("--random-model") { Description = "a random Llama (hidden 256, 4 layers, vocab 4096) instead of --model" };
        var batch = new Option<int>("--batch") { Description = "rows of the batched run", DefaultValueFactory = _ => 8 };
        var contextTokens = new Option<int>("--context-tokens") { Description = "random context length", DefaultValueFactory = _ => 32 };
        var newTokens = new Option<int>("--new-tokens") { Description = "tokens generated per row", DefaultValueFactory = _ => 224 };
        var json = new Option<bool>("--json") { Description = "print the results as JSON" };
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var command = new Command("generate", "Greedy generation speed: KV cache, recomputed prefix, and batched.")
        {
            model, random, batch, contextTokens, newTokens, json, device, dtype,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var dir = parse.GetValue(model);
            var useRandom = parse.GetValue(random);
            if ((dir is null) == !useRandom)
            {
                throw new ArgumentException("give exactly one of --model and --random-model");
            }

            var b = parse.GetValue(batch);
            var c = parse.GetValue(contextTokens);
            var n = parse.GetValue(newTokens);
            if (b < 1 || c < 1 || n < 1)
            {
                throw new ArgumentException("--batch, --context-tokens and --new-tokens must be at least 1");
            }

            var options = CommonOptions.ModelOptionsFrom(parse, device, dtype);
            using var lm = useRandom ? GenerationBenchmark.RandomLlama(options) : HfModelLoader.Load(dir!, options);
            lm.eval();
            if (c + n > lm.Config.MaxPositions)
            {
                throw new ArgumentException($"--context-tokens + --new-tokens = {c + n} exceeds the model's max positions ({lm.Config.MaxPositions})");
            }

            var runs = GenerationBenchmark.Run(lm, b, c, n);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(runs.Select(r => new { r.Name, r.Batch, r.NewTokens, r.Seconds, r.TokensPerSecond }), Indented));
            }
            else
            {
                var inv = CultureInfo.InvariantCulture;
                var table = new Table().Border(TableBorder.Rounded).AddColumn("Run").AddColumn("Batch").AddColumn("Seconds").AddColumn("Tokens/s");
                foreach (var r in runs)
                {
                    table.AddRow(r.Name, r.Batch.ToString(inv), r.Seconds.ToString("F2", inv), r.TokensPerSecond.ToString("F1", inv));
                }

                AnsiConsole.Write(table);
                AnsiConsole.MarkupLine(string.Create(inv, $"KV cache speed-up over recomputing the prefix: [bold]{runs[0].TokensPerSecond / runs[1].TokensPerSecond:F1}×[/]"));
            }

            return 0;
        }));
        return command;
    }
}
