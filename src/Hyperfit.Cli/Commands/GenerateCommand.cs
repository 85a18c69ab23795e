using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Generation;
using Hyperfit.Tokenization;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit generate</c>: continuations for a file of contexts, optionally citation-blocked, as JSONL.
/// See docs/generation.md.</summary>
public static class GenerateCommand
{
    private static readonly Dictionary<string, string> OptionNames = new(StringComparer.Ordinal)
    {
        [nameof(GenerationConfig.MaxNewTokens)] = "--new-tokens",
        [nameof(GenerationConfig.Temperature)] = "--temperature",
        [nameof(GenerationConfig.TopK)] = "--top-k",
        [nameof(GenerationConfig.TopP)] = "--top-p",
        [nameof(GenerationConfig.RepetitionPenalty)] = "--repetition-penalty",
        [nameof(GenerationConfig.NoRepeatNgramSize)] = "--no-repeat-ngram",
        [nameof(GenerationConfig.CitationNgram)] = "--citation-ngram",
    };

    public static Command Create()
    {
        var defaults = GenerationConfig.NucleusBaseline;
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var contexts = new Option<string>("--contexts") { Description = ".txt (one context per non-empty line) or .jsonl (one JSON object per line)", Required = true };
        var textField = new Option<string>("--text-field") { Description = "JSONL field holding the text", DefaultValueFactory = _ => "text" };
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
        var blockCitations = new Option<string?>("--block-citations") { Description = "hyperfitting dataset (.txt or .jsonl with text or input_ids): block citations of it (§3)" };
        var citationNgram = new Option<int>("--citation-ngram") { Description = "citation n-gram length (§3: 5)", DefaultValueFactory = _ => CitationIndex.DefaultNgram };
        var output = new Option<string>("--out", "-o") { Description = "output .jsonl, one line per context (written atomically)", Required = true };
        var command = new Command("generate", "Generate continuations of contexts (greedy or sampled, optionally citation-blocked) into a JSONL file.")
        {
            model, contexts, textField, contextTokens, newTokens, strategy, temperature, topP, topK, repetitionPenalty, noRepeat, seed,
            batchSize, stopAtEos, blockCitations, citationNgram, output, device, dtype,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var config = new GenerationConfig
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
            };
            var request = new Request(parse.GetValue(model)!, parse.GetValue(contexts)!, parse.GetValue(textField)!, parse.GetValue(contextTokens),
                parse.GetValue(batchSize), parse.GetValue(blockCitations), parse.GetValue(output)!);
            return Execute(request, config, () => CommonOptions.ModelOptionsFrom(parse, device, dtype));
        }));
        return command;
    }

    private sealed record Request(string ModelDir, string ContextsFile, string TextField, int ContextTokens, int BatchSize, string? DatasetFile, string OutFile);

    private static int Execute(Request request, GenerationConfig config, Func<Models.ModelOptions> modelOptions)
    {
        // Everything that can be wrong with the request fails here, before weights are loaded (style rule 8).
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            var name = e.ParamName is { } p && OptionNames.TryGetValue(p, out var o) ? o : "generation option";
            var message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new ArgumentException($"{name}: {message}");
        }

        if (request.ContextTokens < 1)
        {
            throw new ArgumentException($"--context-tokens must be at least 1 (got {request.ContextTokens})");
        }

        if (request.BatchSize < 1)
        {
            throw new ArgumentException($"--batch-size must be at least 1 (got {request.BatchSize})");
        }

        var modelConfig = HfModelLoader.ReadConfig(request.ModelDir);
        var tokenizer = HfTokenizer.Load(request.ModelDir);
        tokenizer.ValidateAgainstModel(modelConfig.VocabSize, request.ModelDir);
        var contexts = ReadContexts(request, tokenizer);
        var total = contexts[0].Ids.Length + config.MaxNewTokens;
        if (total > modelConfig.MaxPositions)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"--context-tokens + --new-tokens = {total} tokens exceeds the model's max positions ({modelConfig.MaxPositions})"));
        }

        CitationBlocker? blocker = null;
        if (request.DatasetFile is { } datasetFile)
        {
            var index = new CitationIndex(ReadDataset(datasetFile, request.TextField, tokenizer), config.CitationNgram);
            blocker = new CitationBlocker(index, tokenizer.StartsWord, modelConfig.VocabSize);
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"citation index: {index.SequenceCount} sequences, {index.TokenCount} tokens, {index.NgramCount} distinct {index.N}-grams")));
        }

        using var model = HfModelLoader.Load(request.ModelDir, modelOptions());
        model.eval();
        var pad = tokenizer.PadTokenId ?? tokenizer.EosTokenId ?? 0;
        var generator = new TextGenerator(model, config, pad, tokenizer.EosTokenIds, blocker);
        var results = new GenerationResult[contexts.Count];
        var watch = Stopwatch.StartNew();
        long produced = 0;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("generating", maxValue: contexts.Count);
                for (var start = 0; start < contexts.Count; start += request.BatchSize)
                {
                    var batch = contexts.Skip(start).Take(request.BatchSize).Select(c => (IReadOnlyList<int>)c.Ids).ToArray();
                    var batchResults = generator.Generate(batch, (_, _) =>
                    {
                        produced++;
                        if (produced % 64 == 0)
                        {
                            task.Description = string.Create(CultureInfo.InvariantCulture, $"generating ({produced / watch.Elapsed.TotalSeconds:F1} tokens/s)");
                        }
                    });
                    batchResults.ToArray().CopyTo(results, start);
                    task.Increment(batch.Length);
                }
            });

        WriteResults(request.OutFile, contexts, results, tokenizer, TokenizerFingerprint.Compute(request.ModelDir));
        var seconds = watch.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{contexts.Count} continuations, {produced} tokens in {seconds:F1} s ({produced / seconds:F1} tokens/s) → {request.OutFile}")));
        if (blocker is not null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"citation blocker fired in {results.Count(r => r.Citations.Fired > 0)} of {results.Length} texts ({results.Sum(r => r.Citations.Fired)} steps; {results.Sum(r => r.Citations.Fallbacks)} fallbacks)")));
        }

        return 0;
    }

    private sealed record Context(TextRecord Record, int[] Ids);

    /// <summary>Tokenizes each context without special tokens, keeps its first --context-tokens tokens and puts
    /// the tokenizer's BOS in front when it adds one (so BOS is not counted in --context-tokens).</summary>
    private static List<Context> ReadContexts(Request request, HfTokenizer tokenizer)
    {
        var records = TextRecordReader.Read(request.ContextsFile, request.TextField);
        if (records.Count == 0)
        {
            throw new InvalidDataException($"{request.ContextsFile}: no contexts (the file has no non-empty line)");
        }

        var contexts = new List<Context>(records.Count);
        foreach (var record in records)
        {
            var ids = tokenizer.Encode(record.Text!, addSpecialTokens: false);
            if (ids.Count < request.ContextTokens)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{request.ContextsFile}:{record.Line}: context has {ids.Count} tokens, fewer than --context-tokens {request.ContextTokens}"));
            }

            var kept = ids.Take(request.ContextTokens);
            contexts.Add(new Context(record, tokenizer.AddBosToken && tokenizer.BosTokenId is { } bos ? [bos, .. kept] : [.. kept]));
        }

        return contexts;
    }

    private static IEnumerable<IReadOnlyList<int>> ReadDataset(string path, string textField, HfTokenizer tokenizer)
    {
        var records = TextRecordReader.Read(path, textField, allowInputIds: true);
        if (records.Count == 0)
        {
            throw new InvalidDataException($"{path}: the citation dataset is empty");
        }

        foreach (var record in records)
        {
            if (record.InputIds is { } ids)
            {
                var badAt = Array.FindIndex(ids, id => id < 0 || id >= tokenizer.VocabSize);
                if (badAt >= 0)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"{path}:{record.Line}: input_ids holds id {ids[badAt]}, outside the tokenizer's vocabulary (0..{tokenizer.VocabSize - 1}); the dataset was made with a different tokenizer"));
                }

                yield return ids;
            }
            else
            {
                yield return tokenizer.Encode(record.Text!, addSpecialTokens: false);
            }
        }
    }

    private static void WriteResults(string path, List<Context> contexts, GenerationResult[] results, HfTokenizer tokenizer, string? fingerprint)
    {
        var text = new StringBuilder();
        for (var i = 0; i < contexts.Count; i++)
        {
            var r = results[i];
            var line = new JsonObject
            {
                ["line"] = contexts[i].Record.Line,
                ["context"] = tokenizer.Decode(contexts[i].Ids, skipSpecialTokens: true),
                ["context_ids"] = new JsonArray([.. contexts[i].Ids.Select(id => (JsonNode)id)]),
                ["continuation"] = tokenizer.Decode(r.TokenIds, skipSpecialTokens: true),
                ["continuation_ids"] = new JsonArray([.. r.TokenIds.Select(id => (JsonNode)id)]),
                ["stopped_at_eos"] = r.StoppedAtEos,
                ["citation_steps"] = r.Citations.StepsInCitation,
                ["citation_blocked"] = r.Citations.Fired,
                ["citation_fallbacks"] = r.Citations.Fallbacks,
            };
            if (fingerprint is not null)
            {
                line["tokenizer"] = fingerprint; // lets 'evaluate' reject ids of another tokenizer
            }

            text.Append(line.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })).Append('\n');
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        HfModelSaver.WriteAtomically(path, text.ToString());
    }
}
