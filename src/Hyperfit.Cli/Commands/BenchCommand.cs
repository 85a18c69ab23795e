using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hyperfit.Evaluation;
using Hyperfit.Generation;
using Hyperfit.Runtime;
using Hyperfit.Training;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit bench …</c>: speed measurements of generation and of the text metrics; <c>train</c> can join them.</summary>
public static class BenchCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create() =>
        new("bench", "Measure how fast parts of the toolkit run.") { CreateGenerate(), BenchTrainCommand.Create(), CreateMetrics(), CreateTokenize() };

    private static Command CreateTokenize()
    {
        var tokenizers = new Option<string[]>("--tokenizer") { Description = "tokenizer folder (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var data = new Option<string>("--data") { Description = "texts to encode: .txt (one per line) or .jsonl with a \"text\" field", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "minimum timed seconds per tokenizer (best pass counts)", DefaultValueFactory = _ => 3.0 };
        var json = new Option<bool>("--json") { Description = "print the results as JSON" };
        var command = new Command("tokenize", "Tokenizer encoding speed (MB/s of UTF-8 text, one thread) for each tokenizer folder.") { tokenizers, data, seconds, json };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var texts = ContextReader.Read(parse.GetValue(data)!).Select(r => r.Text).ToList();
            var results = parse.GetValue(tokenizers)!
                .Select(dir => (Folder: dir, Result: Tokenization.TokenizerBenchmark.Run(Tokenization.HfTokenizer.Load(dir), texts, parse.GetValue(seconds))))
                .ToList();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(results.Select(r => new
                {
                    r.Folder, r.Result.Kind, r.Result.Texts, r.Result.Bytes, r.Result.Tokens, r.Result.BestSeconds, r.Result.Passes,
                    r.Result.MegabytesPerSecond, r.Result.TokensPerSecond,
                }), Indented));
                return 0;
            }

            var inv = CultureInfo.InvariantCulture;
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Tokenizer").AddColumn("Kind").AddColumn("MB").AddColumn("Tokens")
                .AddColumn("MB/s").AddColumn("Tokens/s");
            foreach (var (folder, r) in results)
            {
                table.AddRow(Markup.Escape(folder), Markup.Escape(r.Kind), (r.Bytes / 1e6).ToString("F2", inv), r.Tokens.ToString("N0", inv),
                    r.MegabytesPerSecond.ToString("F2", inv), r.TokensPerSecond.ToString("N0", inv));
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command CreateMetrics()
    {
        var json = new Option<bool>("--json") { Description = "print the results as JSON" };
        var seed = new Option<int>("--seed") { Description = "seed of the random texts", DefaultValueFactory = _ => 1234 };
        var quick = new Option<bool>("--quick") { Description = "a small workload (seconds) instead of the paper-sized one, for smoke tests" };
        var command = new Command("metrics", "Text metric speed: fast Self-BLEU, dataset BLEU and overlap against their brute-force oracles (paper-sized workload).")
        {
            json, seed, quick,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var options = new MetricsBenchmarkOptions { Seed = parse.GetValue(seed) };
            if (parse.GetValue(quick))
            {
                options = options with { Vocabulary = 2000, SelfBleuTexts = 40, DatasetBleuTexts = 20, DatasetSequences = 40, SelfBleuBruteForceTexts = 5, OverlapBruteForceTexts = 2 };
            }

            var result = MetricsBenchmark.Run(options);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    result.Cores,
                    result.DatasetSeconds,
                    Timings = result.Timings.Select(t => new { t.Metric, t.Items, t.FastSeconds, t.BruteForceSeconds, t.BruteForceSubset, t.Extrapolated, t.SpeedUp, t.Agrees }),
                }, Indented));
            }
            else
            {
                var inv = CultureInfo.InvariantCulture;
                var table = new Table().Border(TableBorder.Rounded).AddColumn("Metric").AddColumn("Texts").AddColumn("Fast s").AddColumn("Brute force s")
                    .AddColumn("Speed-up").AddColumn("Agree");
                foreach (var t in result.Timings)
                {
                    var brute = t.BruteForceSeconds.ToString("F2", inv) + (t.Extrapolated ? $" (extrapolated from {t.BruteForceSubset.ToString(inv)})" : "");
                    table.AddRow(Markup.Escape(t.Metric), t.Items.ToString(inv), t.FastSeconds.ToString("F3", inv), Markup.Escape(brute),
                        "×" + t.SpeedUp.ToString("F0", inv), t.Agrees ? "yes" : "[red]NO[/]");
                }

                AnsiConsole.Write(table);
                AnsiConsole.MarkupLine(string.Create(inv, $"dataset BLEU + overlap together: [bold]{result.DatasetSeconds:F2} s[/] on {result.Cores} cores"));
            }

            return result.Timings.All(t => t.Agrees) ? 0 : 1;
        }));
        return command;
    }

    private static Command CreateGenerate()
    {
        var model = new Option<string?>("--model", "-m") { Description = "Hugging Face model folder (or use --random-model)" };
        var random = new Option<bool>("--random-model") { Description = "a random Llama (vocab 4096, see --random-size) instead of --model" };
        var randomSize = new Option<string>("--random-size")
        {
            Description = "shape of --random-model: small (hidden 256, 4 layers, 5.3M parameters) or base (hidden 512, 6 layers, 23.2M)",
            DefaultValueFactory = _ => "small",
        };
        randomSize.AcceptOnlyFromAmong(GenerationBenchmark.RandomSizes);
        var batch = new Option<int>("--batch") { Description = "rows of the batched run", DefaultValueFactory = _ => 8 };
        var contextTokens = new Option<int>("--context-tokens") { Description = "random context length", DefaultValueFactory = _ => 32 };
        var newTokens = new Option<int>("--new-tokens") { Description = "tokens generated per row", DefaultValueFactory = _ => 224 };
        var json = new Option<bool>("--json") { Description = "print the results as JSON" };
        var cachedOnly = new Option<bool>("--cached-only") { Description = "only the KV-cached runs (one row and --batch rows): no recomputed-prefix baseline, no module-graph comparison" };
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var command = new Command("generate", "Greedy generation speed: KV cache, recomputed prefix, and batched.")
        {
            model, random, randomSize, batch, contextTokens, newTokens, json, cachedOnly, device, dtype,
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
            var (runs, parameters) = GenerationBenchmark.Run(useRandom ? null : dir, parse.GetValue(randomSize)!, options, b, c, n, cachedOnly: parse.GetValue(cachedOnly));
            var threads = TorchSharp.torch.get_num_threads();
            var policy = OpenMpWaitPolicy.Describe();
            var peakRss = TrainBenchmark.PeakRssBytes();
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(runs.Select(r => new
                {
                    r.Name, r.Batch, r.NewTokens, r.Seconds, r.CpuSeconds, r.TokensPerSecond, r.DecodePath, Threads = threads, OmpWaitPolicy = policy, MklDispatch = MklCpuDispatch.Status, PeakRssBytes = peakRss,
                }), Indented));
            }
            else
            {
                var inv = CultureInfo.InvariantCulture;
                var table = new Table().Border(TableBorder.Rounded).AddColumn("Run").AddColumn("Batch").AddColumn("Seconds").AddColumn("Tokens/s")
                    .AddColumn("Tokens per CPU-s").AddColumn("Decode steps ran on");
                foreach (var r in runs)
                {
                    table.AddRow(r.Name, r.Batch.ToString(inv), r.Seconds.ToString("F2", inv), r.TokensPerSecond.ToString("F1", inv),
                        (r.Batch * r.NewTokens / r.CpuSeconds).ToString("F1", inv), Markup.Escape(r.DecodePath));
                }

                AnsiConsole.Write(table);
                var baseline = runs.FirstOrDefault(r => r.Name == "no-cache");
                if (baseline is not null)
                {
                    var graph = runs.FirstOrDefault(r => r.Name == "kv-cache-graph");
                    var graphNote = graph is null ? "" : string.Create(inv, $" (through the module graph instead of the decode kernel: {graph.TokensPerSecond / baseline.TokensPerSecond:F1}×)");
                    AnsiConsole.MarkupLine(string.Create(inv, $"KV cache speed-up over recomputing the prefix: [bold]{runs[0].TokensPerSecond / baseline.TokensPerSecond:F1}×[/]{graphNote}"));
                }

                AnsiConsole.MarkupLine(Markup.Escape(string.Create(inv,
                    $"{parameters / 1e6:F1}M parameters; {threads} intra-op threads (the decode kernel: its own {threads}; module-graph cached steps of up to " +
                    $"{TextGenerator.SingleThreadDecodeMaxRows} rows: 1); OMP_WAIT_POLICY {policy}; MKL {MklCpuDispatch.Status}; peak RSS {peakRss / 1048576.0:F0} MiB")));
            }

            return 0;
        }));
        return command;
    }
}
