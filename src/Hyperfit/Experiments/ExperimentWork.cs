using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Evaluation;
using Hyperfit.Generation;
using Hyperfit.Models;
using Hyperfit.Runtime;
using Hyperfit.Tokenization;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>The work of each step kind, on top of the library's trainer, generator and evaluation. Every file is
/// written atomically; the runner writes the step's done marker afterwards.</summary>
public static class ExperimentWork
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ModelOptions Options(string device) => new(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(device));

    /// <summary>The hyperfitting data as input_ids (no special tokens), one line per document: the citation index
    /// and the dataset metrics read it, so both see exactly the model's tokens.</summary>
    public static void TokenizeData(string modelDir, string dataFile, string textField, string outFile)
    {
        var tokenizer = HfTokenizer.Load(modelDir);
        var text = new StringBuilder();
        foreach (var document in Data.DocumentReader.Read(dataFile, textField))
        {
            var ids = tokenizer.Encode(document, addSpecialTokens: false);
            if (ids.Count > 0)
            {
                text.Append(new JsonObject { ["input_ids"] = new JsonArray([.. ids.Select(i => (JsonNode)i)]) }.ToJsonString()).Append('\n');
            }
        }

        HfModelSaver.WriteAtomically(outFile, text.ToString());
    }

    /// <summary>§4: the first <c>context_tokens</c> tokens of each document are the context (BOS in front when the
    /// tokenizer adds one), the next <paramref name="newTokens"/> the original continuation. The first
    /// <c>contexts</c> documents long enough for both are used, in file order; too few is an error.</summary>
    public static void Prepare(string modelDir, ContextSetSpec set, int newTokens, string outFile)
    {
        var tokenizer = HfTokenizer.Load(modelDir);
        var records = TextRecordReader.Read(set.File, set.TextField);
        var text = new StringBuilder();
        var kept = 0;
        foreach (var record in records)
        {
            if (kept == set.Contexts)
            {
                break;
            }

            var ids = tokenizer.Encode(record.Text!, addSpecialTokens: false);
            if (ids.Count < set.ContextTokens + newTokens)
            {
                continue;
            }

            int[] context = tokenizer.AddBosToken && tokenizer.BosTokenId is { } bos
                ? [bos, .. ids.Take(set.ContextTokens)]
                : [.. ids.Take(set.ContextTokens)];
            var continuation = ids.Skip(set.ContextTokens).Take(newTokens).ToArray();
            text.Append(new JsonObject
            {
                ["line"] = record.Line,
                ["context"] = tokenizer.Decode(context, skipSpecialTokens: true),
                ["context_ids"] = Ids(context),
                ["continuation"] = tokenizer.Decode(continuation, skipSpecialTokens: true),
                ["continuation_ids"] = Ids(continuation),
                ["tokenizer"] = TokenizerFingerprint.Compute(modelDir),
            }.ToJsonString(Compact)).Append('\n');
            kept++;
        }

        if (kept < set.Contexts)
        {
            throw new InvalidDataException(string.Create(Inv,
                $"{set.File}: context set '{set.Label}' has {kept} documents with at least {set.ContextTokens} + {newTokens} tokens, fewer than the {set.Contexts} contexts asked for"));
        }

        HfModelSaver.WriteAtomically(outFile, text.ToString());
    }

    /// <summary>Hyperfits the base model with <paramref name="recipe"/>; the model goes to <c>dir/final</c>, the
    /// training log to <c>dir/training_log.json</c>.</summary>
    public static void Train(string baseModel, string dataFile, string textField, HyperfitRecipe recipe, string device, string dir, Action<string>? log = null)
    {
        var tokenizer = HfTokenizer.Load(baseModel);
        var data = SequenceDataset.Load(dataFile, tokenizer, recipe, textField);
        var options = new TrainerOptions(
            ModelIdentity: ModelIdentity.Hash(baseModel),
            SourceDirectory: baseModel,
            Decode: ids => tokenizer.Decode(ids),
            ConfigEcho: new Dictionary<string, string> { ["model"] = baseModel, ["data"] = dataFile, ["text_field"] = textField });
        var model = HfModelLoader.Load(baseModel, new ModelOptions(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(device), recipe.Dropout));
        using var trainer = new HyperfitTrainer(model, data, recipe, dir, options);
        trainer.Setup();
        log?.Invoke(string.Create(Inv, $"{data.Training.Count} samples x {recipe.SequenceLength} tokens, {trainer.Recipe.TotalUpdates} updates"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var every = Math.Max(1, trainer.Recipe.TotalUpdates / 10);
        trainer.Train(p =>
        {
            if (log is not null && (p.Update % every == 0 || p.Update == p.TotalUpdates))
            {
                log(string.Create(Inv, $"update {p.Update}/{p.TotalUpdates} epoch {p.Epoch} loss {p.Loss:F4} {p.TokensPerSecond:F0} tok/s, ETA {Eta(clock.Elapsed, p.Update, p.TotalUpdates)}"));
            }
        });
        trainer.SaveFinalModel();
        var checkpoint = Path.Combine(dir, TrainingCheckpoint.DirectoryName);
        if (Directory.Exists(checkpoint))
        {
            Directory.Delete(checkpoint, recursive: true); // the final model is the step's output; the resumable state is not needed
        }
    }

    /// <summary>Continuations of the prepared contexts, in <c>hyperfit generate</c>'s JSONL format.</summary>
    public static void Generate(string modelDir, string referenceFile, GenerationConfig config, string? citationData, int batchSize, string device, string outFile,
        Action<string>? log = null)
    {
        var tokenizer = HfTokenizer.Load(modelDir);
        var modelConfig = HfModelLoader.ReadConfig(modelDir);
        var contexts = GenerationRecordReader.Read(referenceFile);
        CitationBlocker? blocker = null;
        if (citationData is not null)
        {
            var sequences = TextRecordReader.Read(citationData, allowInputIds: true).Select(r => (IReadOnlyList<int>)r.InputIds!);
            blocker = new CitationBlocker(new CitationIndex(sequences, config.CitationNgram), tokenizer.StartsWord, modelConfig.VocabSize);
        }

        using var model = HfModelLoader.Load(modelDir, Options(device));
        model.eval();
        var generator = new TextGenerator(model, config, tokenizer.PadTokenId ?? tokenizer.EosTokenId ?? 0, tokenizer.EosTokenIds, blocker);
        var fingerprint = TokenizerFingerprint.Compute(modelDir);
        var text = new StringBuilder();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long generated = 0;
        for (var start = 0; start < contexts.Count; start += batchSize)
        {
            var batch = contexts.Skip(start).Take(batchSize).ToArray();
            var results = generator.Generate([.. batch.Select(c => (IReadOnlyList<int>)c.ContextIds)]);
            for (var i = 0; i < batch.Length; i++)
            {
                var r = results[i];
                var line = new JsonObject
                {
                    ["line"] = batch[i].Line,
                    ["context"] = tokenizer.Decode(batch[i].ContextIds, skipSpecialTokens: true),
                    ["context_ids"] = Ids(batch[i].ContextIds),
                    ["continuation"] = tokenizer.Decode(r.TokenIds, skipSpecialTokens: true),
                    ["continuation_ids"] = Ids(r.TokenIds),
                    ["stopped_at_eos"] = r.StoppedAtEos,
                    ["citation_steps"] = r.Citations.StepsInCitation,
                    ["citation_blocked"] = r.Citations.Fired,
                    ["citation_fallbacks"] = r.Citations.Fallbacks,
                };
                if (fingerprint is not null)
                {
                    line["tokenizer"] = fingerprint;
                }

                text.Append(line.ToJsonString(Compact)).Append('\n');
                generated += r.TokenIds.Length;
            }

            var done = start + batch.Length;
            log?.Invoke(string.Create(Inv,
                $"{done}/{contexts.Count} contexts, {generated / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F0} tok/s, ETA {Eta(clock.Elapsed, done, contexts.Count)}"));
        }

        HfModelSaver.WriteAtomically(outFile, text.ToString());
    }

    /// <summary>Remaining time at the rate so far, as m:ss.</summary>
    public static string Eta(TimeSpan elapsed, long done, long total)
    {
        var seconds = done <= 0 ? 0 : elapsed.TotalSeconds / done * Math.Max(0, total - done);
        return string.Create(Inv, $"{(int)(seconds / 60)}:{(int)(seconds % 60):00}");
    }

    /// <summary>Runs <see cref="EvaluationRun"/> and writes <c>dir/metrics.json</c> and <c>metrics.md</c>.</summary>
    public static void Evaluate(EvaluationRequest request, string dir) =>
        EvaluationRun.Run(request).Write(Path.Combine(dir, ExperimentPlan.MetricsFile));

    private static JsonArray Ids(IEnumerable<int> ids) => new([.. ids.Select(i => (JsonNode)i)]);
}
