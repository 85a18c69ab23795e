using System.CommandLine;
using System.Globalization;
using Hyperfit.Evaluation.Downstream;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit downstream mmlu|glue</c>: MMLU and GLUE for base vs hyperfitted models (paper App. B.4,
/// Tables 7 and 8) on local data, into results JSON + Markdown + predictions JSONL. Logic in <see cref="DownstreamRun"/>;
/// see docs/downstream.md.</summary>
public static class DownstreamCommand
{
    public static Command Create() =>
        new("downstream", "Downstream benchmarks on local data: MMLU (Table 7) and GLUE (Table 8), base vs hyperfitted models.")
        {
            Create(DownstreamRequest.Mmlu), Create(DownstreamRequest.Glue),
        };

    private static Command Create(string benchmark)
    {
        var mmlu = benchmark == DownstreamRequest.Mmlu;
        var models = new Option<string[]>("--model", "-m") { Description = "model folder (repeat to compare: base first, then hyperfitted)", Required = true, Arity = ArgumentArity.OneOrMore };
        var data = new Option<string>("--data", "-d")
        {
            Description = mmlu
                ? "MMLU folder: the official release (test/*_test.csv, dev/*_dev.csv) or a cais/mmlu export (Parquet/JSONL)"
                : "folder of GLUE task folders: nyu-mll/glue exports (cola/validation-*.parquet, …) or the original TSVs (CoLA/dev.tsv, …)",
            Required = true,
        };
        var shots = new Option<string>("--shots") { Description = "comma-separated shot counts", DefaultValueFactory = _ => mmlu ? "0,1,3,5" : "0,4" };
        var scoring = new Option<string>("--scoring")
        {
            Description = mmlu ? "official (hendrycks/test), harness (lm-evaluation-harness log-likelihood) or generate" : "harness (log-likelihood) or generate",
            DefaultValueFactory = _ => mmlu ? "official" : "harness",
        };
        scoring.AcceptOnlyFromAmong(mmlu ? ["official", "harness", "generate"] : ["harness", "generate"]);
        var split = new Option<string>("--split") { Description = "evaluated split: test or validation", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong([.. MmluDataset.EvaluationSplits]);
        var tasks = new Option<string>("--tasks") { Description = "comma-separated GLUE tasks", DefaultValueFactory = _ => string.Join(",", GlueTask.All.Select(t => t.Name)) };
        var seed = new Option<long>("--seed") { Description = "shot sampling seed", DefaultValueFactory = _ => 1234 };
        var limit = new Option<int?>("--limit") { Description = mmlu ? "only the first N questions of each subject" : "only the first N dev examples of each task" };
        var maxLength = new Option<int?>("--max-length") { Description = "longest prompt in tokens (default: the model's max positions; the official script uses 2048)" };
        var batchTokens = new Option<int>("--batch-tokens") { Description = "padded prompt tokens per forward pass", DefaultValueFactory = _ => 4096 };
        var generateTokens = new Option<int>("--generate-tokens") { Description = "generate mode: greedy tokens per answer", DefaultValueFactory = _ => 5 };
        var output = new Option<string>("--out", "-o") { Description = "results .json (.md and .predictions.jsonl are written beside it)", Required = true };
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var command = new Command(benchmark, mmlu
            ? "MMLU at several shot counts with the zero-shot prompt perplexity (paper Table 7)."
            : "GLUE (cola, mnli, mrpc, qnli, qqp, rte, sst2) zero- and few-shot (paper Table 8).")
        {
            models, data, shots, scoring, limit, maxLength, batchTokens, generateTokens, output, device, dtype,
        };
        if (mmlu)
        {
            command.Add(split);
        }
        else
        {
            command.Add(tasks);
            command.Add(seed);
        }

        command.SetAction(parse => CliErrors.Run(() =>
        {
            var request = new DownstreamRequest
            {
                Benchmark = benchmark,
                ModelDirs = parse.GetValue(models)!,
                DataDir = parse.GetValue(data)!,
                Split = mmlu ? parse.GetValue(split)! : "test",
                Tasks = mmlu ? null : SplitList(parse.GetValue(tasks)!, "--tasks"),
                Settings = new DownstreamSettings
                {
                    Scoring = Enum.Parse<DownstreamScoring>(parse.GetValue(scoring)!, ignoreCase: true),
                    Shots = [.. SplitList(parse.GetValue(shots)!, "--shots").Select(s => ParseShots(s))],
                    MaxLength = parse.GetValue(maxLength),
                    BatchTokens = parse.GetValue(batchTokens),
                    Seed = parse.GetValue(seed),
                    GenerateTokens = parse.GetValue(generateTokens),
                    Limit = parse.GetValue(limit),
                },
                ModelOptions = CommonOptions.ModelOptionsFrom(parse, device, dtype),
            };
            var predictions = new List<DownstreamPrediction>();
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            DownstreamReport report;
            try
            {
                report = DownstreamRun.Run(request, predictions, new ProgressLines(), message => Console.Error.WriteLine(message), cancel.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            var path = parse.GetValue(output)!;
            report.Write(path, predictions);
            Print(report);
            AnsiConsole.MarkupLine(Markup.Escape($"wrote {path}, {DownstreamReport.MarkdownPath(path)} and {DownstreamReport.PredictionsPath(path)}"));
            return 0;
        }));
        return command;
    }

    private static string[] SplitList(string value, string option)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new ArgumentException($"{option} is empty");
    }

    private static int ParseShots(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            ? k
            : throw new ArgumentException($"--shots: '{value}' is not a number of shots (e.g. 0,1,3,5)");

    private static void Print(DownstreamReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Model");
        if (report.Benchmark == DownstreamRequest.Mmlu)
        {
            table.AddColumn("0-shot prompt PPL");
            foreach (var k in report.Shots)
            {
                table.AddColumn(string.Create(inv, $"{k}-shot acc"));
            }

            foreach (var model in report.Models)
            {
                var runs = model.Mmlu!;
                var ppl = runs.FirstOrDefault(r => r.ZeroShotPerplexity is not null)?.ZeroShotPerplexity?.MeanOverQuestions;
                table.AddRow([Markup.Escape(model.Name), ppl?.ToString("F1", inv) ?? "–",
                    .. report.Shots.Select(k => Pct(runs.First(r => r.Shots == k).Accuracy))]);
            }
        }
        else
        {
            table.AddColumn("Task").AddColumn("Shots").AddColumn("acc").AddColumn("f1").AddColumn("mcc");
            foreach (var model in report.Models)
            {
                foreach (var r in model.Glue!)
                {
                    table.AddRow(Markup.Escape(model.Name), r.Task, r.Shots.ToString(inv), Pct(r.Accuracy), Pct(r.F1), Pct(r.Mcc));
                }
            }
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"{report.Scoring} scoring: {report.Reference}"));
    }

    private static string Pct(double? value) => value is { } v ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) : "–";

    /// <summary>Progress as plain lines on stderr: at most every 5 seconds per stage, and when a stage ends.</summary>
    private sealed class ProgressLines : IProgress<DownstreamProgress>
    {
        private string? _stage;
        private DateTime _last;

        public void Report(DownstreamProgress value)
        {
            var now = DateTime.UtcNow;
            var finished = value.Done >= value.Total;
            if (value.Stage == _stage && !finished && now - _last < TimeSpan.FromSeconds(5))
            {
                return;
            }

            _stage = value.Stage;
            _last = now;
            var eta = value.Eta is { } e && !finished ? $", ETA {(int)e.TotalMinutes}:{e.Seconds:D2}" : "";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{value.Stage}: {value.Done}/{value.Total} questions, {value.QuestionsPerSecond:F1} questions/s{eta}"));
        }
    }
}
