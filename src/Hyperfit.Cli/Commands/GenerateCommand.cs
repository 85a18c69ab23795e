using System.CommandLine;
using System.Globalization;
using Hyperfit.Data;
using Hyperfit.Generation;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit generate</c>: continuations for a file of contexts, optionally citation-blocked, as JSONL. Logic
/// in <see cref="GenerationJob"/>; see docs/generation.md.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var defaults = GenerationConfig.NucleusBaseline;
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var contexts = new Option<string>("--contexts") { Description = ".txt (one context per non-empty line) or .jsonl (one JSON object per line)", Required = true };
        var textField = new Option<string>("--text-field") { Description = "JSONL field holding the text (contexts and --block-citations)", DefaultValueFactory = _ => "text" };
        var contextTokens = new Option<int>("--context-tokens") { Description = "tokens of each context kept (§4: 32); shorter contexts are an error", DefaultValueFactory = _ => 32 };
        var newTokens = new Option<int>("--new-tokens") { Description = "tokens generated per context (§4: 224)", DefaultValueFactory = _ => 224 };
        var strategy = new Option<string>("--strategy") { Description = "greedy or sample", DefaultValueFactory = _ => "greedy" };
        var temperature = new Option<double>("--temperature") { Description = "sampling temperature (§4 baseline: 0.7)", DefaultValueFactory = _ => defaults.Temperature };
        var topP = new Option<double>("--top-p") { Description = "nucleus mass (§4 baseline: 0.9)", DefaultValueFactory = _ => defaults.TopP };
        var topK = new Option<int>("--top-k") { Description = "top-k, 0 = off (§4 baseline: 50)", DefaultValueFactory = _ => defaults.TopK };
        var repetitionPenalty = new Option<double>("--repetition-penalty") { Description = "Hugging Face repetition penalty, 1 = off", DefaultValueFactory = _ => 1.0 };
        var noRepeat = new Option<int>("--no-repeat-ngram") { Description = "forbid repeating n-grams of this size, 0 = off", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { Description = "sampling seed", DefaultValueFactory = _ => 42 };
        var batchSize = new Option<int>("--batch-size") { Description = "contexts generated together", DefaultValueFactory = _ => 8 };
        var stopAtEos = new Option<bool>("--stop-at-eos") { Description = "stop a continuation at EOS (default: fixed length, as in the paper)" };
        var blockCitations = new Option<string?>("--block-citations")
        {
            Description = "the hyperfitting dataset, read as 'train --data' reads it (.txt: blank-line separated documents; .jsonl: text or input_ids; .parquet): block citations of it (§3)",
        };
        var citationNgram = new Option<int>("--citation-ngram") { Description = "citation n-gram length (§3: 5)", DefaultValueFactory = _ => CitationIndex.DefaultNgram };
        var output = new Option<string>("--out", "-o") { Description = "output .jsonl, one line per context (written atomically)", Required = true };
        var command = new Command("generate", "Generate continuations of contexts (greedy or sampled, optionally citation-blocked) into a JSONL file.")
        {
            model, contexts, textField, contextTokens, newTokens, strategy, temperature, topP, topK, repetitionPenalty, noRepeat, seed,
            batchSize, stopAtEos, blockCitations, citationNgram, output, device, dtype,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var request = new GenerationRequest
            {
                ModelDir = parse.GetValue(model)!,
                Contexts = ContextSource.Texts(parse.GetValue(contexts)!, parse.GetValue(contextTokens), parse.GetValue(textField)!),
                Config = new GenerationConfig
                {
                    Strategy = parse.GetValue(strategy) switch
                    {
                        "greedy" => DecodingStrategy.Greedy,
                        "sample" => DecodingStrategy.Sample,
                        var s => throw new ArgumentException($"--strategy must be greedy or sample (got '{s}')"),
                    },
                    MaxNewTokens = parse.GetValue(newTokens),
                    StopAtEos = parse.GetValue(stopAtEos),
                    Temperature = parse.GetValue(temperature),
                    TopK = parse.GetValue(topK),
                    TopP = parse.GetValue(topP),
                    RepetitionPenalty = parse.GetValue(repetitionPenalty),
                    NoRepeatNgramSize = parse.GetValue(noRepeat),
                    Seed = parse.GetValue(seed),
                    CitationNgram = parse.GetValue(citationNgram),
                },
                CitationDataset = parse.GetValue(blockCitations) is { } data ? new HyperfitDataset(data, parse.GetValue(textField)!) : null,
                BatchSize = parse.GetValue(batchSize),
                ModelOptions = CommonOptions.ModelOptionsFrom(parse, device, dtype),
                OutputFile = parse.GetValue(output)!,
            };
            var outcome = AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask? task = null;
                    return GenerationJob.Run(request, new InlineProgress<GenerationProgress>(p =>
                    {
                        task ??= ctx.AddTask("generating", maxValue: p.Contexts);
                        task.Value = p.ContextsDone;
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"generating ({p.TokensPerSecond:F1} tokens/s)");
                    }), line => AnsiConsole.MarkupLine(Markup.Escape(line)));
                });
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{outcome.Lines.Count} continuations, {outcome.Tokens} tokens in {outcome.Elapsed.TotalSeconds:F1} s ({outcome.TokensPerSecond:F1} tokens/s) → {request.OutputFile}")));
            if (outcome.Index is not null)
            {
                AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"citation blocker fired in {outcome.TextsBlocked} of {outcome.Lines.Count} texts ({outcome.BlockedSteps} steps; {outcome.Fallbacks} fallbacks)")));
            }

            return 0;
        }));
        return command;
    }
}
