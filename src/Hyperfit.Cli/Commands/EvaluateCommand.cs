using System.CommandLine;
using Hyperfit.Evaluation;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit evaluate</c>: text, dataset and model metrics of a generations JSONL file into metrics.json
/// and metrics.md. Logic in <see cref="EvaluationJob"/>; see docs/metrics.md.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var generations = new Option<string>("--generations", "-g") { Description = "generations .jsonl from 'hyperfit generate' (context_ids, continuation_ids)", Required = true };
        var dataset = new Option<string?>("--dataset")
        {
            Description = "the hyperfitting dataset, read as 'train --data' reads it (.txt: blank-line separated documents; .jsonl: text or input_ids; .parquet), for dataset BLEU and overlap",
        };
        var textField = new Option<string>("--text-field") { Description = "JSONL field / Parquet column holding the dataset text", DefaultValueFactory = _ => "text" };
        var models = new Option<string[]>("--model", "-m") { Description = "model folder to score with (repeat for several: top-1 agreement matrix)", Arity = ArgumentArity.ZeroOrMore };
        var reference = new Option<string?>("--reference") { Description = "original texts (.jsonl: context_ids + continuation_ids, input_ids or text) scored instead of the generations (Table 3)" };
        var batchSize = new Option<int>("--batch-size") { Description = "texts per forward pass", DefaultValueFactory = _ => 4 };
        var smoothing = new Option<string>("--smoothing") { Description = "BLEU smoothing: none (nltk method0) or method1", DefaultValueFactory = _ => "none" };
        var output = new Option<string>("--out", "-o") { Description = "metrics .json (a .md table is written beside it)", Required = true };
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var command = new Command("evaluate", "Measure generations: TTR, Self-BLEU, distinct-n/rep-n, dataset BLEU/overlap, and with --model perplexity, entropy, @k and top-1 agreement.")
        {
            generations, dataset, textField, models, reference, batchSize, smoothing, output, device, dtype,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var request = new EvaluationRequest
            {
                GenerationsFile = parse.GetValue(generations)!,
                DatasetFile = parse.GetValue(dataset),
                DatasetTextField = parse.GetValue(textField)!,
                ModelDirs = parse.GetValue(models) ?? [],
                ReferenceFile = parse.GetValue(reference),
                BatchSize = parse.GetValue(batchSize),
                Smoothing = parse.GetValue(smoothing) switch
                {
                    "none" => BleuSmoothing.None,
                    "method1" => BleuSmoothing.Method1,
                    var s => throw new ArgumentException($"--smoothing must be none or method1 (got '{s}')"),
                },
                ModelOptions = CommonOptions.ModelOptionsFrom(parse, device, dtype),
                OutputFile = parse.GetValue(output)!,
            };
            EvaluationJob.Run(request, new InlineProgress<EvaluationProgress>(p =>
            {
                if (p.Detail is { } detail)
                {
                    AnsiConsole.MarkupLine(Markup.Escape(p.Stage == "scoring" ? $"scoring with {detail}" : $"{p.Stage}: {detail}"));
                }
            }));
            AnsiConsole.MarkupLine(Markup.Escape($"wrote {request.OutputFile} and {MetricsFile.MarkdownPath(request.OutputFile)}"));
            return 0;
        }));
        return command;
    }
}
