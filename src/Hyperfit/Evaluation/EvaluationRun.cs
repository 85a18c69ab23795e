using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Generation;
using Hyperfit.Tokenization;

namespace Hyperfit.Evaluation;

/// <summary>
/// <c>hyperfit evaluate</c>'s logic: text metrics of generations (TTR, Self-BLEU, distinct-n, rep-n), dataset BLEU and
/// overlap against the hyperfitting dataset, and model-based metrics (context PPL, text PPL, entropy, @k, top-1
/// agreement). Values are on their natural scale (ratios in [0, 1]); the Markdown prints ratios ×100 as the paper does.
/// </summary>
public static class EvaluationRun
{
    /// <summary>TTR window and the generated lengths of the paper's 128- and 256-token scenarios (§4: 32 + 96, 32 + 224).</summary>
    public const int Window = TypeTokenRatio.DefaultWindow;

    public const int LongScenarioTokens = 224;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <exception cref="InvalidDataException">A malformed or inconsistent input line (one line naming file and line).</exception>
    /// <exception cref="ArgumentException">An inconsistent request.</exception>
    public static EvaluationReport Run(EvaluationRequest request, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        log ??= _ => { };
        request.Validate();
        var generations = GenerationRecordReader.Read(request.GenerationsFile);
        var fingerprint = CheckGenerationFingerprints(request.GenerationsFile, generations);
        var models = request.ModelDirs.Select(dir => ModelInfo.Read(dir)).ToArray();
        CheckModels(request, models, generations, fingerprint);
        var tokenizer = models.FirstOrDefault()?.Tokenizer;

        var metrics = new JsonObject
        {
            ["generations"] = request.GenerationsFile,
            ["texts"] = generations.Count,
            ["tokenizer"] = fingerprint ?? models.FirstOrDefault()?.Fingerprint,
        };
        var md = new StringBuilder();
        md.Append("# Evaluation of ").Append(Path.GetFileName(request.GenerationsFile)).Append("\n\n");

        var continuations = generations.Select(g => g.ContinuationIds).ToArray();
        var first96 = continuations.Select(c => c.Take(Window).ToArray()).ToArray();
        metrics["text_metrics"] = TextMetrics(continuations, first96, request.Smoothing, md);

        if (request.DatasetFile is { } datasetFile)
        {
            log($"dataset: {datasetFile}");
            var dataset = ReadDataset(datasetFile, request.DatasetTextField, models.FirstOrDefault());
            metrics["dataset_metrics"] = DatasetMetrics(datasetFile, dataset, continuations, first96, request.Smoothing, md);
        }

        if (models.Length > 0)
        {
            metrics["model_metrics"] = ModelMetrics(request, models, generations, tokenizer!, md, log);
        }

        return new EvaluationReport(metrics, md.ToString());
    }

    // ================================================================ text metrics

    private static JsonObject TextMetrics(int[][] continuations, int[][] first96, BleuSmoothing smoothing, StringBuilder md)
    {
        var ttr = continuations.Select(c => TypeTokenRatio.Compute(c)).ToArray();
        // 128 scenario: the first 96 generated tokens; 256 scenario: the last 96 of the first 224 (§4 / Table 1).
        var ttr128 = first96.Select(c => TypeTokenRatio.Compute(c)).ToArray();
        var ttr256 = continuations.Select(c => TypeTokenRatio.Compute(c.AsSpan(0, Math.Min(c.Length, LongScenarioTokens)))).ToArray();
        var json = new JsonObject
        {
            ["continuation_tokens"] = new JsonObject { ["min"] = continuations.Min(c => c.Length), ["max"] = continuations.Max(c => c.Length) },
            ["ttr"] = ttr.Average(t => t.Value),
            ["ttr_128"] = ttr128.Average(t => t.Value),
            ["ttr_256"] = ttr256.Average(t => t.Value),
            ["ttr_texts_shorter_than_96"] = ttr.Count(t => t.ShorterThanWindow),
            ["ttr_256_texts_shorter_than_224"] = continuations.Count(c => c.Length < LongScenarioTokens),
        };
        md.Append("## Text metrics\n\n| Metric | Value |\n|---|---|\n");
        Row(md, "TTR, last 96 tokens (×100)", Pct(json["ttr"]));
        Row(md, "128 TTR: first 96 generated tokens (×100)", Pct(json["ttr_128"]));
        Row(md, "256 TTR: last 96 of the first 224 (×100)", Pct(json["ttr_256"]));
        if (first96.Length >= 2)
        {
            var self = SelfBleu.Compute(first96, smoothing);
            json["self_bleu"] = Summary(self.Summary);
            Row(md, "Self-BLEU avg / max, first 96 tokens (×100)", $"{Pct(self.Summary.Mean)} / {Pct(self.Summary.Max)}");
        }
        else
        {
            json["self_bleu"] = null; // needs two texts
        }

        var distinct = new JsonObject();
        var rep = new JsonObject();
        for (var n = 1; n <= 4; n++)
        {
            var key = n.ToString(Inv);
            distinct[key] = DistinctN.Corpus(continuations, n);
            rep[key] = RepetitionRate.Mean(continuations, n);
            Row(md, $"distinct-{n} (corpus) / rep-{n} (mean) (×100)", $"{Pct(distinct[key])} / {Pct(rep[key])}");
        }

        json["distinct_n"] = distinct;
        json["rep_n"] = rep;
        json["smoothing"] = smoothing.ToString();
        md.Append('\n');
        return json;
    }

    // ================================================================ dataset metrics

    private static JsonObject DatasetMetrics(string path, List<int[]> dataset, int[][] continuations, int[][] first96,
        BleuSmoothing smoothing, StringBuilder md)
    {
        // Table 2 measures the first 96 generated tokens; a text shorter than 96 is used whole (its BLEU carries the
        // brevity penalty). A dataset sequence shorter than the 96-token window is one window, the whole sequence.
        var bleu = DatasetBleu.Compute(first96, dataset, Window, smoothing);
        var automaton = new SuffixAutomaton(dataset);
        var overlap96 = DatasetOverlap.Compute(automaton, first96);
        // Table 5 measures whole (224-token) continuations.
        var overlapAll = DatasetOverlap.Compute(automaton, continuations);
        var json = new JsonObject
        {
            ["path"] = path,
            ["sequences"] = dataset.Count,
            ["tokens"] = dataset.Sum(s => (long)s.Length),
            ["sequences_shorter_than_96"] = dataset.Count(s => s.Length < Window),
            ["texts_shorter_than_96"] = first96.Count(t => t.Length < Window),
            ["bleu"] = Summary(bleu.Summary),
            ["overlap"] = Summary(overlap96.Summary),
            ["overlap_full"] = Summary(overlapAll.Summary),
            ["overlap_full_share_over_5"] = overlapAll.ShareLongerThan(5),
            ["overlap_full_share_over_10"] = overlapAll.ShareLongerThan(10),
            ["overlap_full_histogram"] = new JsonArray([.. overlapAll.Histogram.Select(h => (JsonNode)h)]),
        };
        md.Append("## Dataset metrics\n\n| Metric | Value |\n|---|---|\n");
        Row(md, "Dataset BLEU avg / max, first 96 tokens (×100)", $"{Pct(bleu.Summary.Mean)} / {Pct(bleu.Summary.Max)}");
        Row(md, "Dataset overlap avg / max, first 96 tokens (tokens)", $"{F1(overlap96.Summary.Mean)} / {F1(overlap96.Summary.Max)}");
        Row(md, "Overlap avg / max, whole continuation (tokens)", $"{F1(overlapAll.Summary.Mean)} / {F1(overlapAll.Summary.Max)}");
        Row(md, "Texts with overlap > 5 tokens, whole continuation (%)", Pct(overlapAll.ShareLongerThan(5)));
        Row(md, "Texts with overlap > 10 tokens, whole continuation (%)", Pct(overlapAll.ShareLongerThan(10)));
        md.Append('\n');
        return json;
    }

    private static List<int[]> ReadDataset(string path, string textField, ModelInfo? model)
    {
        var records = TextRecordReader.Read(path, textField, allowInputIds: true);
        if (records.Count == 0)
        {
            throw new InvalidDataException($"{path}: the dataset is empty");
        }

        var dataset = new List<int[]>(records.Count);
        foreach (var record in records)
        {
            var where = string.Create(Inv, $"{path}:{record.Line}");
            if (record.InputIds is { } ids)
            {
                if (model is not null)
                {
                    CheckIds(ids, model.Tokenizer.VocabSize, where, "input_ids", "the dataset");
                }

                if (ids.Length > 0)
                {
                    dataset.Add(ids);
                }
            }
            else
            {
                var tokenizer = model?.Tokenizer ?? throw new InvalidDataException(
                    $"{where}: a text record needs --model to be tokenized (or give pre-tokenized input_ids)");
                var encoded = tokenizer.Encode(record.Text!, addSpecialTokens: false).ToArray();
                if (encoded.Length > 0)
                {
                    dataset.Add(encoded);
                }
            }
        }

        return dataset.Count > 0 ? dataset : throw new InvalidDataException($"{path}: the dataset has no tokens");
    }

    // ================================================================ model metrics

    private static JsonObject ModelMetrics(EvaluationRequest request, ModelInfo[] models, IReadOnlyList<GenerationRecord> generations,
        HfTokenizer tokenizer, StringBuilder md, Action<string> log)
    {
        var contexts = generations.Select(g => g.ContextIds).ToArray();
        var (texts, source) = request.ReferenceFile is { } reference
            ? (ReadReference(reference, tokenizer), "reference")
            : (generations.Select(g => (int[])[.. g.ContextIds, .. g.ContinuationIds]).ToArray(), "generations");
        foreach (var model in models)
        {
            var tooLong = Array.FindIndex(texts, t => t.Length > model.Config.MaxPositions);
            if (tooLong >= 0)
            {
                throw new ArgumentException(string.Create(Inv,
                    $"text {tooLong + 1} of the {source} has {texts[tooLong].Length} tokens, more than the max positions of {model.Directory} ({model.Config.MaxPositions})"));
            }
        }

        var perModel = new JsonArray();
        var argmaxes = new List<IReadOnlyList<int[]>>();
        md.Append(string.Create(Inv, $"## Model metrics (texts: {source})\n\n"))
          .Append("| # | Model | Context PPL | PPL | Entropy (nats) | @1 | @3 | @5 |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var (info, number) in models.Select((m, i) => (m, i + 1)))
        {
            log($"scoring with {info.Directory}");
            using var model = HfModelLoader.Load(info.Directory, request.ModelOptions);
            model.eval();
            // Context PPL (Table 1): every context token that has a predecessor is predicted; with a BOS-prefixed
            // context that is all 32 tokens, without BOS the first token is not scored (31).
            var context = PredictionStatistics.Aggregate(ModelScorer.Score(model, contexts, request.BatchSize));
            var scored = ModelScorer.Score(model, texts, request.BatchSize);
            var text = PredictionStatistics.Aggregate(scored);
            argmaxes.Add(scored.Select(s => s.Argmax).ToArray());
            perModel.Add(new JsonObject
            {
                ["model"] = info.Directory,
                ["context_ppl"] = context.Perplexity,
                ["context_ppl_mean_over_texts"] = context.MeanTextPerplexity,
                ["context_positions"] = context.Positions,
                ["context_starts_with_bos"] = info.Tokenizer.BosTokenId is { } bos && contexts.All(c => c.Length > 0 && c[0] == bos),
                ["ppl"] = text.Perplexity,
                ["ppl_mean_over_texts"] = text.MeanTextPerplexity,
                ["entropy"] = text.MeanEntropy,
                ["top1"] = text.At(1),
                ["top3"] = text.At(3),
                ["top5"] = text.At(5),
                ["positions"] = text.Positions,
            });
            md.Append(string.Create(Inv,
                $"| {number} | {Path.GetFileName(Path.TrimEndingDirectorySeparator(info.Directory))} | {context.Perplexity:F1} | {text.Perplexity:F1} | {text.MeanEntropy:F2} | {Pct(text.At(1))} | {Pct(text.At(3))} | {Pct(text.At(5))} |\n"));
        }

        md.Append('\n');
        var json = new JsonObject { ["texts"] = source, ["models"] = perModel };
        if (models.Length >= 2)
        {
            var matrix = TopOneAgreement.Matrix(argmaxes);
            json["top1_agreement"] = new JsonArray([.. matrix.Select(row => (JsonNode)new JsonArray([.. row.Select(v => (JsonNode)v)]))]);
            md.Append("## Top-1 agreement (%)\n\n| |").Append(string.Concat(models.Select((_, i) => string.Create(Inv, $" {i + 1} |"))))
              .Append("\n|---|").Append(string.Concat(models.Select(_ => "---|"))).Append('\n');
            for (var i = 0; i < models.Length; i++)
            {
                md.Append(string.Create(Inv, $"| {i + 1} |")).Append(string.Concat(matrix[i].Select(v => $" {Pct(v)} |"))).Append('\n');
            }

            md.Append('\n');
        }

        return json;
    }

    /// <summary>Reference texts: a generation-style line (context_ids + continuation_ids), input_ids, or text
    /// (tokenized like a context: BOS in front when the tokenizer adds one).</summary>
    private static int[][] ReadReference(string path, HfTokenizer tokenizer)
    {
        var texts = new List<int[]>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var where = string.Create(Inv, $"{path}:{lineNumber}");
            using var document = GenerationRecordReader.ParseObject(line, where);
            var root = document.RootElement;
            int[] ids;
            if (GenerationRecordReader.IdsField(root, "context_ids", where) is { } context)
            {
                var continuation = GenerationRecordReader.IdsField(root, "continuation_ids", where)
                                   ?? throw new InvalidDataException($"{where}: context_ids without continuation_ids");
                ids = [.. context, .. continuation];
            }
            else if (GenerationRecordReader.IdsField(root, "input_ids", where) is { } inputIds)
            {
                ids = inputIds;
            }
            else if (root.TryGetProperty("text", out var text) && text.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                var encoded = tokenizer.Encode(text.GetString()!, addSpecialTokens: false);
                ids = tokenizer.AddBosToken && tokenizer.BosTokenId is { } bos ? [bos, .. encoded] : [.. encoded];
            }
            else
            {
                throw new InvalidDataException($"{where}: expected context_ids + continuation_ids, input_ids or a string field 'text'");
            }

            if (ids.Length < 2)
            {
                throw new InvalidDataException($"{where}: a reference text needs at least 2 tokens");
            }

            CheckIds(ids, tokenizer.VocabSize, where, "token ids", "the reference texts");
            texts.Add(ids);
        }

        return texts.Count > 0 ? [.. texts] : throw new InvalidDataException($"{path}: no reference texts");
    }

    // ================================================================ consistency checks

    private sealed record ModelInfo(string Directory, Models.ModelConfig Config, HfTokenizer Tokenizer, string? Fingerprint)
    {
        public static ModelInfo Read(string directory)
        {
            var config = HfModelLoader.ReadConfig(directory);
            var tokenizer = HfTokenizer.Load(directory);
            tokenizer.ValidateAgainstModel(config.VocabSize, directory);
            return new ModelInfo(directory, config, tokenizer, TokenizerFingerprint.Compute(directory));
        }
    }

    private static string? CheckGenerationFingerprints(string path, IReadOnlyList<GenerationRecord> generations)
    {
        var first = generations.FirstOrDefault(g => g.Tokenizer is not null);
        var other = generations.FirstOrDefault(g => g.Tokenizer is not null && g.Tokenizer != first!.Tokenizer);
        if (other is not null)
        {
            throw new InvalidDataException(string.Create(Inv,
                $"{path}:{other.Line}: tokenizer {other.Tokenizer} differs from line {first!.Line} ({first.Tokenizer}); the file mixes tokenizers"));
        }

        return first?.Tokenizer;
    }

    private static void CheckModels(EvaluationRequest request, ModelInfo[] models, IReadOnlyList<GenerationRecord> generations, string? fingerprint)
    {
        if (models.Length == 0)
        {
            return;
        }

        var first = models[0];
        foreach (var model in models.Skip(1))
        {
            if (model.Tokenizer.VocabSize != first.Tokenizer.VocabSize || model.Fingerprint != first.Fingerprint)
            {
                throw new ArgumentException($"--model {model.Directory} and --model {first.Directory} have different tokenizers; models compared on the same texts must share one");
            }
        }

        if (fingerprint is not null && first.Fingerprint is not null && fingerprint != first.Fingerprint)
        {
            var line = generations.First(g => g.Tokenizer is not null).Line;
            throw new InvalidDataException(string.Create(Inv,
                $"{request.GenerationsFile}:{line}: generations were made with tokenizer {fingerprint}, but --model {first.Directory} has tokenizer {first.Fingerprint}"));
        }

        foreach (var g in generations)
        {
            var where = string.Create(Inv, $"{request.GenerationsFile}:{g.Line}");
            CheckIds(g.ContextIds, first.Tokenizer.VocabSize, where, "context_ids", "the generations");
            CheckIds(g.ContinuationIds, first.Tokenizer.VocabSize, where, "continuation_ids", "the generations");
            var length = g.ContextIds.Length + g.ContinuationIds.Length;
            var limit = models.Min(m => m.Config.MaxPositions);
            if (length > limit)
            {
                throw new InvalidDataException(string.Create(Inv,
                    $"{where}: context + continuation = {length} tokens, more than the models' max positions ({limit})"));
            }
        }
    }

    private static void CheckIds(int[] ids, int vocab, string where, string field, string what)
    {
        var bad = Array.FindIndex(ids, id => id < 0 || id >= vocab);
        if (bad >= 0)
        {
            throw new InvalidDataException(string.Create(Inv,
                $"{where}: {field} holds id {ids[bad]}, outside the tokenizer's vocabulary (0..{vocab - 1}); {what} were made with a different tokenizer"));
        }
    }

    // ================================================================ formatting

    private static JsonObject Summary(MetricSummary s) => new() { ["mean"] = s.Mean, ["max"] = s.Max };

    private static void Row(StringBuilder md, string name, string value) => md.Append("| ").Append(name).Append(" | ").Append(value).Append(" |\n");

    private static string Pct(double v) => (100 * v).ToString("F1", Inv);

    private static string Pct(JsonNode? v) => Pct(v!.GetValue<double>());

    private static string F1(double v) => v.ToString("F1", Inv);
}
