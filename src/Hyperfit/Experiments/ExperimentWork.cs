using System.Globalization;
using Hyperfit.Data;
using Hyperfit.Evaluation;
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
