using System.Globalization;
using Hyperfit.Data;
using Hyperfit.Evaluation;
using Hyperfit.Evaluation.Downstream;
using Hyperfit.Generation;
using Hyperfit.Models;
using Hyperfit.Runtime;
using Hyperfit.Tokenization;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>The work of each step kind: the library's jobs (<see cref="TrainingJob"/>, <see cref="GenerationJob"/>,
/// <see cref="EvaluationJob"/>) called with the step's inputs, their files written into the step's folder. The runner
/// holds the run folder's lock and writes the step's done marker afterwards.</summary>
public static class ExperimentWork
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ModelOptions Options(string device) => new(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(device));

    /// <summary>The hyperfitting data as input_ids (<see cref="TokenizedDatasetFile"/>): the citation index and the
    /// dataset metrics read it, so both see exactly the model's tokens.</summary>
    public static void TokenizeData(string modelDir, HyperfitDataset data, string outFile) =>
        TokenizedDatasetFile.Write(data, HfTokenizer.Load(modelDir), outFile);

    /// <summary>A context set's contexts and original continuations (<see cref="PreparedContexts"/>), in the generations format.</summary>
    public static void Prepare(string modelDir, ContextSetSpec set, int newTokens, string outFile) =>
        GenerationsFile.Write(outFile, PreparedContexts.Select(HfTokenizer.Load(modelDir), TokenizerFingerprint.Compute(modelDir), set, newTokens));

    /// <summary>Hyperfits the base model with <paramref name="recipe"/> (<see cref="TrainingJob"/>): the model goes to
    /// <c>dir/final</c>, the log to <c>dir/training_log.json</c>; a stop checkpoints (the next run resumes it) and throws
    /// <see cref="OperationCanceledException"/>; the checkpoint is dropped once the model is saved.</summary>
    public static void Train(string baseModel, HyperfitDataset data, HyperfitRecipe recipe, string device, StepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long? every = null;
        long startedAt = -1;
        var outcome = TrainingJob.Run(new TrainingRequest
        {
            ModelDir = baseModel,
            Data = data,
            Recipe = recipe,
            OutputDir = run.Directory,
            Resume = run.Resume,
            Device = device,
            DropCheckpoint = true, // the final model is the step's output; the resumable state is not needed
            Purpose = "hyperfit run (train step)",
        }, new InlineProgress<TrainingProgress>(p =>
        {
            every ??= Math.Max(1, p.TotalUpdates / 10);
            startedAt = startedAt < 0 ? p.Update - 1 : startedAt;
            if (p.Update % every == 0 || p.Update == p.TotalUpdates)
            {
                run.Log(string.Create(Inv, $"update {p.Update}/{p.TotalUpdates} epoch {p.Epoch} loss {p.Loss:F4} {p.TokensPerSecond:F0} tok/s, ETA {Eta(clock.Elapsed, p.Update - startedAt, p.TotalUpdates - startedAt)}"));
            }
        }), run.Log, run.Cancellation);
        if (outcome.Cancelled)
        {
            throw new OperationCanceledException(string.Create(Inv,
                $"stopped at update {outcome.Updates}/{outcome.TotalUpdates}; checkpoint in {outcome.Checkpoint} (the next run resumes it)"));
        }
    }

    /// <summary>An imported run's train step: its training_log.json is copied into the step folder (the report's
    /// training curves and loss rows read it there); the model stays in the imported run's <c>final/</c>
    /// (<see cref="ExperimentPlan.ModelDir"/>).</summary>
    public static void UseImportedRun(string importedRun, StepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var target = Path.Combine(run.Directory, TrainingLog.FileName);
        var temporary = target + ".tmp";
        File.Copy(Path.Combine(importedRun, TrainingLog.FileName), temporary, overwrite: true);
        File.Move(temporary, target, overwrite: true);
        run.Log($"imported run {importedRun}: model {Path.Combine(importedRun, HyperfitTrainer.FinalDirectoryName)}");
    }

    /// <summary>Checks that an imported run was hyperfitted from this spec's base model on the variant's data (the
    /// token ids <c>hyperfit train</c> would use under the run's recipe); the preflight calls it before any step.</summary>
    /// <exception cref="InvalidDataException">One line naming the run and what differs.</exception>
    public static void CheckImportedRun(string baseModel, string baseIdentity, HyperfitVariantSpec variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var log = Path.Combine(variant.ImportedRun!, TrainingLog.FileName);
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(log))!["config"]!;
        var identity = config["model_identity"]?.GetValue<string>();
        if (identity != baseIdentity)
        {
            throw new InvalidDataException($"{log}: the run was hyperfitted from another model (identity {Short(identity)}, base_model is {Short(baseIdentity)})");
        }

        var data = SequenceDataset.Load(variant.Data.File, HfTokenizer.Load(baseModel), variant.Recipe, variant.Data.TextField);
        var hash = config["data_hash"]?.GetValue<string>();
        if (hash != data.Hash)
        {
            throw new InvalidDataException($"{log}: the run was hyperfitted on other token ids (data hash {Short(hash)}) than {variant.Data.File} gives under its recipe ({Short(data.Hash)})");
        }
    }

    private static string Short(string? hash) => hash is null ? "none" : hash.Length > 12 ? hash[..12] + "…" : hash;

    /// <summary>Continuations of the prepared contexts (<see cref="GenerationJob"/>), in <c>hyperfit generate</c>'s JSONL format.</summary>
    public static void Generate(string modelDir, string referenceFile, GenerationConfig config, string? citationData, int batchSize, string device, string outFile,
        StepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var outcome = GenerationJob.Run(new GenerationRequest
        {
            ModelDir = modelDir,
            Contexts = ContextSource.Prepared(referenceFile),
            Config = config,
            CitationDataset = citationData is null ? null : new HyperfitDataset(citationData),
            BatchSize = batchSize,
            ModelOptions = Options(device),
        }, new InlineProgress<GenerationProgress>(p =>
        {
            if (p.BatchFinished)
            {
                run.Log(string.Create(Inv,
                    $"{p.ContextsDone}/{p.Contexts} contexts, {p.TokensPerSecond:F0} tok/s, ETA {Eta(p.Elapsed, p.ContextsDone, p.Contexts)}"));
            }
        }), log: null, run.Cancellation);
        GenerationsFile.Write(outFile, outcome.Lines);
    }

    /// <summary>Appendix B.4 (<see cref="DownstreamRun"/>): the benchmark's report as JSON with its Markdown beside it,
    /// progress every tenth of the questions.</summary>
    public static void Downstream(DownstreamRequest request, string outFile, StepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        string? stage = null;
        var next = 0;
        var report = DownstreamRun.Run(request, predictions: null, new InlineProgress<DownstreamProgress>(p =>
        {
            if (p.Stage != stage)
            {
                (stage, next) = (p.Stage, 0);
            }

            if (p.Done >= next || p.Done == p.Total)
            {
                next = p.Done + Math.Max(1, p.Total / 4);
                run.Log(string.Create(Inv, $"{p.Stage}: {p.Done}/{p.Total} questions, {p.QuestionsPerSecond:F1} q/s{(p.Eta is { } eta ? $", ETA {(int)eta.TotalMinutes}:{eta.Seconds:00}" : "")}"));
            }
        }), run.Log, run.Cancellation);
        report.Write(outFile);
    }

    /// <summary>Remaining time at the rate so far, as m:ss.</summary>
    public static string Eta(TimeSpan elapsed, long done, long total)
    {
        var seconds = done <= 0 ? 0 : elapsed.TotalSeconds / done * Math.Max(0, total - done);
        return string.Create(Inv, $"{(int)(seconds / 60)}:{(int)(seconds % 60):00}");
    }

    /// <summary>Runs <see cref="EvaluationJob"/> and writes <c>dir/metrics.json</c> and <c>metrics.md</c>.</summary>
    public static void Evaluate(EvaluationRequest request, StepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        MetricsFile.Write(Path.Combine(run.Directory, ExperimentPlan.MetricsFile), EvaluationJob.Run(request, cancellation: run.Cancellation));
    }
}
