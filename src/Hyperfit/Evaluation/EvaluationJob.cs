using System.Globalization;
using Hyperfit.Checkpoints;
using Hyperfit.Data;
using Hyperfit.Generation;
using Hyperfit.IO;
using Hyperfit.Tokenization;

namespace Hyperfit.Evaluation;

/// <summary>
/// The evaluation job (<c>hyperfit evaluate</c> and a run's evaluate, original, reference and agreement steps): text
/// metrics of generations (TTR, Self-BLEU, distinct-n, rep-n), dataset BLEU and overlap against the hyperfitting
/// dataset, and model-based metrics (context PPL, text PPL, entropy, @k, top-1 agreement), as one
/// <see cref="EvaluationMetrics"/>. Values are on their natural scale (ratios in [0, 1]); the Markdown
/// (<see cref="EvaluationMarkdown"/>) prints ratios ×100 as the paper does.
/// </summary>
public static class EvaluationJob
{
    /// <summary>TTR window and the generated lengths of the paper's 128- and 256-token scenarios (§4: 32 + 96, 32 + 224).</summary>
    public const int Window = TypeTokenRatio.DefaultWindow;

    public const int LongScenarioTokens = 224;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Measures; with <see cref="EvaluationRequest.OutputFile"/> first takes that file's lock (one writer) and
    /// at the end writes it (<see cref="MetricsFile.Write"/>).</summary>
    /// <exception cref="InvalidDataException">A malformed or inconsistent input line (one line naming file and line).</exception>
    /// <exception cref="FieldException">An inconsistent request.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (between models); nothing written.</exception>
    public static EvaluationMetrics Run(EvaluationRequest request, IProgress<EvaluationProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        using var writer = request.OutputFile is { } output ? OutputLock.AcquireFile(output, "hyperfit evaluate", MetricsFile.MarkdownPath(output)) : null;
        writer?.RemoveDebris();
        var generations = GenerationsFile.Read(request.GenerationsFile);
        var fingerprint = CheckGenerationFingerprints(request.GenerationsFile, generations);
        var models = request.ModelDirs.Select(ModelInfo.Read).ToArray();
        CheckModels(request, models, generations, fingerprint);
        var tokenizer = models.FirstOrDefault()?.Tokenizer;

        var continuations = generations.Select(g => g.ContinuationIds).ToArray();
        var first96 = continuations.Select(c => c.Take(Window).ToArray()).ToArray();
        var text = TextMetricsOf(continuations, first96, request.Smoothing);
        DatasetMetrics? dataset = null;
        if (request.DatasetFile is { } datasetFile)
        {
            progress?.Report(new EvaluationProgress("dataset", 0, 1, datasetFile));
            dataset = DatasetMetricsOf(datasetFile, ReadDataset(datasetFile, request.DatasetTextField, tokenizer), continuations, first96, request.Smoothing);
        }

        var metrics = new EvaluationMetrics
        {
            Generations = request.GenerationsFile,
            Texts = generations.Count,
            Tokenizer = fingerprint ?? models.FirstOrDefault()?.Fingerprint,
            TextMetrics = text,
            DatasetMetrics = dataset,
            ModelMetrics = models.Length > 0 ? ModelMetricsOf(request, models, generations, tokenizer!, progress, cancellation) : null,
        };
        if (request.OutputFile is { } path)
        {
            MetricsFile.Write(path, metrics);
        }

        return metrics;
    }

    // ================================================================ text metrics

    private static TextMetrics TextMetricsOf(int[][] continuations, int[][] first96, BleuSmoothing smoothing)
    {
        var ttr = continuations.Select(c => TypeTokenRatio.Compute(c)).ToArray();
        // 128 scenario: the first 96 generated tokens; 256 scenario: the last 96 of the first 224 (§4 / Table 1).
        var ttr128 = first96.Select(c => TypeTokenRatio.Compute(c)).ToArray();
        var ttr256 = continuations.Select(c => TypeTokenRatio.Compute(c.AsSpan(0, Math.Min(c.Length, LongScenarioTokens)))).ToArray();
        return new TextMetrics
        {
            ContinuationTokens = new TokenRange(continuations.Min(c => c.Length), continuations.Max(c => c.Length)),
            Ttr = ttr.Average(t => t.Value),
            Ttr128 = ttr128.Average(t => t.Value),
            Ttr256 = ttr256.Average(t => t.Value),
            TtrTextsShorterThan96 = ttr.Count(t => t.ShorterThanWindow),
            Ttr256TextsShorterThan224 = continuations.Count(c => c.Length < LongScenarioTokens),
            SelfBleu = first96.Length >= 2 ? MeanMax.From(SelfBleu.Compute(first96, smoothing).Summary) : null, // needs two texts
            DistinctN = Enumerable.Range(1, 4).ToDictionary(n => n, n => DistinctN.Corpus(continuations, n)),
            RepN = Enumerable.Range(1, 4).ToDictionary(n => n, n => RepetitionRate.Mean(continuations, n)),
            Smoothing = smoothing.ToString(),
        };
    }

    // ================================================================ dataset metrics

    private static DatasetMetrics DatasetMetricsOf(string path, List<int[]> dataset, int[][] continuations, int[][] first96, BleuSmoothing smoothing)
    {
        // Table 2 measures the first 96 generated tokens; a text shorter than 96 is used whole (its BLEU carries the
        // brevity penalty). A dataset sequence shorter than the 96-token window is one window, the whole sequence.
        var bleu = DatasetBleu.Compute(first96, dataset, Window, smoothing);
        var automaton = new SuffixAutomaton(dataset);
        var overlap96 = DatasetOverlap.Compute(automaton, first96);
        // Table 5 measures whole (224-token) continuations.
        var overlapAll = DatasetOverlap.Compute(automaton, continuations);
        return new DatasetMetrics
        {
            Path = path,
            Sequences = dataset.Count,
            Tokens = dataset.Sum(s => (long)s.Length),
            SequencesShorterThan96 = dataset.Count(s => s.Length < Window),
            TextsShorterThan96 = first96.Count(t => t.Length < Window),
            Bleu = MeanMax.From(bleu.Summary),
            Overlap = MeanMax.From(overlap96.Summary),
            OverlapFull = MeanMax.From(overlapAll.Summary),
            OverlapFullShareOver5 = overlapAll.ShareLongerThan(5),
            OverlapFullShareOver10 = overlapAll.ShareLongerThan(10),
            OverlapFullHistogram = [.. overlapAll.Histogram],
        };
    }

    /// <summary>The hyperfitting dataset through <see cref="DatasetReader"/>: text needs a model's tokenizer, pre-tokenized
    /// ids must fit its vocabulary; empty documents are dropped.</summary>
    private static List<int[]> ReadDataset(string path, string textField, HfTokenizer? tokenizer)
    {
        var dataset = new List<int[]>();
        var any = false;
        if (tokenizer is not null)
        {
            foreach (var ids in DatasetReader.Tokenize(path, textField, tokenizer))
            {
                any = true;
                if (ids.Length > 0)
                {
                    dataset.Add(ids);
                }
            }
        }
        else
        {
            foreach (var document in DatasetReader.Read(path, textField))
            {
                any = true;
                var ids = document.InputIds ?? throw new FieldException(Fields.Model,
                    $"model is needed to tokenize the text of {document.Where} (or give the dataset as pre-tokenized input_ids)");
                if (ids.Length > 0)
                {
                    dataset.Add(ids);
                }
            }
        }

        return !any ? throw new InvalidDataException($"{path}: the dataset is empty")
            : dataset.Count > 0 ? dataset : throw new InvalidDataException($"{path}: the dataset has no tokens");
    }

    // ================================================================ model metrics

    private static ModelMetrics ModelMetricsOf(EvaluationRequest request, ModelInfo[] models, IReadOnlyList<GenerationLine> generations,
        HfTokenizer tokenizer, IProgress<EvaluationProgress>? progress, CancellationToken cancellation)
    {
        var contexts = generations.Select(g => g.ContextIds).ToArray();
        var (texts, source) = request.ReferenceFile is { } reference
            ? (ReferenceTexts.Read(reference, tokenizer), ModelMetrics.Reference)
            : (generations.Select(g => (int[])[.. g.ContextIds, .. g.ContinuationIds]).ToArray(), ModelMetrics.Generations);
        foreach (var model in models)
        {
            var tooLong = Array.FindIndex(texts, t => t.Length > model.Config.MaxPositions);
            if (tooLong >= 0)
            {
                throw new InvalidDataException(string.Create(Inv,
                    $"text {tooLong + 1} of the {source} has {texts[tooLong].Length} tokens, more than the max positions of {model.Directory} ({model.Config.MaxPositions})"));
            }
        }

        var scores = new List<ModelScores>();
        var argmaxes = new List<IReadOnlyList<int[]>>();
        foreach (var (info, index) in models.Select((m, i) => (m, i)))
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Report(new EvaluationProgress("scoring", index, models.Length, info.Directory));
            using var model = HfModelLoader.Load(info.Directory, request.ModelOptions);
            model.eval();
            // Context PPL (Table 1): every context token that has a predecessor is predicted; with a BOS-prefixed
            // context that is all 32 tokens, without BOS the first token is not scored (31).
            var context = PredictionStatistics.Aggregate(ModelScorer.Score(model, contexts, request.BatchSize));
            var scored = ModelScorer.Score(model, texts, request.BatchSize);
            var text = PredictionStatistics.Aggregate(scored);
            argmaxes.Add(scored.Select(s => s.Argmax).ToArray());
            scores.Add(new ModelScores
            {
                Model = info.Directory,
                ContextPpl = context.Perplexity,
                ContextPplMeanOverTexts = context.MeanTextPerplexity,
                ContextPositions = context.Positions,
                ContextStartsWithBos = info.Tokenizer.BosTokenId is { } bos && contexts.All(c => c.Length > 0 && c[0] == bos),
                Ppl = text.Perplexity,
                PplMeanOverTexts = text.MeanTextPerplexity,
                Entropy = text.MeanEntropy,
                Top1 = text.At(1),
                Top3 = text.At(3),
                Top5 = text.At(5),
                Positions = text.Positions,
            });
        }

        progress?.Report(new EvaluationProgress("scoring", models.Length, models.Length));
        return new ModelMetrics
        {
            Texts = source,
            Models = scores,
            Top1Agreement = models.Length >= 2 ? TopOneAgreement.Matrix(argmaxes) : null,
        };
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

    private static string? CheckGenerationFingerprints(string path, IReadOnlyList<GenerationLine> generations)
    {
        var first = generations.FirstOrDefault(g => g.Tokenizer is not null);
        var other = generations.FirstOrDefault(g => g.Tokenizer is not null && g.Tokenizer != first!.Tokenizer);
        if (other is not null)
        {
            throw new InvalidDataException(string.Create(Inv,
                $"{path}:{other.FileLine}: tokenizer {other.Tokenizer} differs from line {first!.FileLine} ({first.Tokenizer}); the file mixes tokenizers"));
        }

        return first?.Tokenizer;
    }

    private static void CheckModels(EvaluationRequest request, ModelInfo[] models, IReadOnlyList<GenerationLine> generations, string? fingerprint)
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
                throw new FieldException(Fields.Model,
                    $"model {model.Directory} and model {first.Directory} have different tokenizers; models compared on the same texts must share one");
            }
        }

        if (fingerprint is not null && first.Fingerprint is not null && fingerprint != first.Fingerprint)
        {
            var line = generations.First(g => g.Tokenizer is not null).FileLine;
            throw new InvalidDataException(string.Create(Inv,
                $"{request.GenerationsFile}:{line}: generations were made with tokenizer {fingerprint}, but model {first.Directory} has tokenizer {first.Fingerprint}"));
        }

        foreach (var g in generations)
        {
            var where = string.Create(Inv, $"{request.GenerationsFile}:{g.FileLine}");
            ReferenceTexts.CheckIds(g.ContextIds, first.Tokenizer.VocabSize, where, "context_ids", "the generations");
            ReferenceTexts.CheckIds(g.ContinuationIds, first.Tokenizer.VocabSize, where, "continuation_ids", "the generations");
            var length = g.ContextIds.Length + g.ContinuationIds.Length;
            var limit = models.Min(m => m.Config.MaxPositions);
            if (length > limit)
            {
                throw new InvalidDataException(string.Create(Inv,
                    $"{where}: context + continuation = {length} tokens, more than the models' max positions ({limit})"));
            }
        }
    }
}
