using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.IO;
using Hyperfit.Images;
using Hyperfit.Models;
using Hyperfit.Runtime;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>
/// Runs an <see cref="ImageExperimentSpec"/> as resumable steps with the text runner's conventions
/// (<see cref="ExperimentRunner"/>: the spec and its images checked before OUT is touched, OUT's exclusive lock and dead
/// writers' debris removed, each step's folder under <c>OUT/steps/</c> with a done marker holding its input hash, reused
/// when unchanged; a stopped training step resumes from its checkpoint; Ctrl-C / SIGTERM stop with a checkpoint):
/// <c>train-SEED</c> hyperfits the base model with the one trainer (validation loss at each epoch's end),
/// <c>complete-base</c> and <c>complete-hyperfitted-SEED</c> complete the held-out images greedily from their first rows.
/// Then <see cref="ImageExperimentReport"/> measures the completions and writes the grids, Figure 10, results.json and report.md.
/// </summary>
public static class ImageExperimentRunner
{
    public const string BaseLabel = "base";
    public const string HyperfittedLabel = "hyperfitted";
    public const string CompletionsFile = "completions.jsonl";

    /// <param name="log">One line per step and per epoch.</param>
    /// <param name="cancellation">Ctrl-C / SIGTERM: a training step checkpoints (the next run resumes it), a completion
    /// step stops between batches; <see cref="OperationCanceledException"/> is thrown and finished steps stay reusable.</param>
    /// <exception cref="FieldException">OUT holds another spec's results (or other files) and <paramref name="force"/> is
    /// false, or OUT is a file.</exception>
    /// <exception cref="IOException">Another process writes OUT.</exception>
    /// <exception cref="InvalidDataException">The spec's images cannot give what it asks for (checked before OUT is touched).</exception>
    public static ExperimentOutcome Run(ImageExperimentSpec spec, string outDir, bool force = false, Action<string>? log = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(outDir);
        log ??= _ => { };
        var output = Path.GetFullPath(outDir);
        if (File.Exists(output))
        {
            throw new FieldException(Fields.Output, $"output {outDir}: is a file; the run's output is a folder (steps/, spec.json, results.json, report.md)");
        }

        // The images are read and checked before the folder is created or touched.
        var data = ImageExperimentData.Load(spec);
        ExperimentRunner.CheckOutputFolder(spec.Hash, output, force);
        using var folder = OutputLock.Acquire(output, "hyperfit run");
        if (folder.RemoveDebris() is { Count: > 0 } debris)
        {
            log($"removed {debris.Count} temporary file(s) of an interrupted earlier run in {output}");
        }

        log(data.Describe());
        Directory.CreateDirectory(Path.Combine(output, ExperimentRunner.StepsFolder));
        HfModelSaver.WriteAtomically(Path.Combine(output, ExperimentRunner.SpecFile),
            JsonSerializer.Serialize(new SpecRecord(spec.Hash, spec.SpecFile, (JsonObject)spec.Json.DeepClone()), ExperimentJsonContext.Default.SpecRecord) + "\n");

        string StepDir(string name) => Path.Combine(output, ExperimentRunner.StepsFolder, name);
        var baseIdentity = ModelIdentity.Hash(spec.BaseModelDir);
        var common = new JsonObject
        {
            ["base_model"] = baseIdentity,
            ["layout"] = ImageGptProcessor.Describe(spec.Layout),
            ["device"] = spec.Device,
        };
        var steps = new List<ExperimentStep>();
        foreach (var seed in spec.Seeds)
        {
            var recipe = spec.RecipeFor(seed);
            var inputs = (JsonObject)common.DeepClone();
            inputs["recipe"] = recipe.ToJson();
            inputs["data"] = data.HyperfitHash;
            steps.Add(new ExperimentStep(TrainStep(seed), StepKind.Train, [], inputs,
                run => Train(spec, data, recipe, run, baseIdentity)) { Model = HyperfittedLabel, Seed = seed });
        }

        var completeInputs = (JsonObject)common.DeepClone();
        completeInputs["completions"] = data.CompletionHash;
        completeInputs["context_rows"] = data.ContextRows;
        steps.Add(new ExperimentStep(CompleteStep(BaseLabel, null), StepKind.Generate, [], completeInputs,
            run => Complete(spec, data, spec.BaseModelDir, run)) { Model = BaseLabel });
        foreach (var seed in spec.Seeds)
        {
            steps.Add(new ExperimentStep(CompleteStep(HyperfittedLabel, seed), StepKind.Generate, [TrainStep(seed)], (JsonObject)completeInputs.DeepClone(),
                run => Complete(spec, data, Path.Combine(StepDir(TrainStep(seed)), HyperfitTrainer.FinalDirectoryName), run))
            {
                Model = HyperfittedLabel,
                Seed = seed,
            });
        }

        var (ran, skipped, _) = ExperimentRunner.RunSteps(steps, StepDir, log, cancellation);
        var (results, markdown) = ImageExperimentReport.Build(spec, data, output, StepDir);
        var resultsPath = Path.Combine(output, ResultsFile.FileName);
        var reportPath = Path.Combine(output, "report.md");
        ImageResultsFile.Write(resultsPath, results);
        HfModelSaver.WriteAtomically(reportPath, markdown);
        log($"wrote {resultsPath} and {reportPath} ({ran.Count} steps ran, {skipped.Count} reused)");
        return new ExperimentOutcome(ran, skipped, resultsPath, reportPath) { ImageResults = results };
    }

    public static string TrainStep(long seed) => string.Create(CultureInfo.InvariantCulture, $"train-{seed}");

    public static string CompleteStep(string label, long? seed) =>
        seed is { } s ? string.Create(CultureInfo.InvariantCulture, $"complete-{label}-{s}") : $"complete-{label}";

    /// <summary>Hyperfits the base model on the spec's images into <c>run.Directory</c> (continuing its checkpoint when the
    /// runner says so); a stop checkpoints and throws <see cref="OperationCanceledException"/>; <c>final/</c> gets its own
    /// model card and the checkpoint is dropped once the model is saved (the final model is the step's output).</summary>
    private static void Train(ImageExperimentSpec spec, ImageExperimentData data, HyperfitRecipe recipe, StepRun run, string identity)
    {
        var log = run.Log;
        var dataset = SequenceDataset.FromDocuments(data.HyperfitSequences, recipe, spec.HyperfitImages.Data);
        var model = HfModelLoader.Load(spec.BaseModelDir, new ModelOptions(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(spec.Device), recipe.Dropout));
        using var trainer = new HyperfitTrainer(model, dataset, recipe, run.Directory, new TrainerOptions(
            ModelIdentity: identity,
            SourceDirectory: spec.BaseModelDir,
            Decode: ids => string.Join(' ', ids),
            Resume: run.Resume,
            CheckpointInterval: TrainerOptions.DefaultCheckpointInterval, // as the text steps: a hard kill loses little
            ConfigEcho: new Dictionary<string, string>
            {
                ["model"] = spec.BaseModelDir,
                ["data"] = spec.HyperfitImages.Data,
                ["layout"] = ImageGptProcessor.Describe(spec.Layout),
            }));
        trainer.Setup();
        var perEpoch = trainer.Recipe.UpdatesPerEpoch;
        var reported = 0;
        void ReportValidation()
        {
            // Validation runs after the update's progress call: its entries are reported as they appear.
            for (; reported < trainer.Log.Count; reported++)
            {
                var e = trainer.Log[reported];
                if (e.ValLoss is { } v)
                {
                    log(string.Create(CultureInfo.InvariantCulture, $"validation loss after epoch {e.Epoch:0.##}: {v:F4}"));
                }
            }
        }

        var outcome = trainer.Train(p =>
        {
            ReportValidation();
            if (p.Update % perEpoch == 0 || p.Update == p.TotalUpdates)
            {
                log(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {(double)p.Update / perEpoch:0.#}/{(double)p.TotalUpdates / perEpoch:0.#}: training loss {p.Loss:F4}, {p.TokensPerSecond:F0} ids/s"));
            }
        }, run.Cancellation);
        ReportValidation();
        if (outcome.Cancelled)
        {
            throw new OperationCanceledException(string.Create(CultureInfo.InvariantCulture,
                $"stopped at update {outcome.Updates}/{trainer.Recipe.TotalUpdates}; checkpoint in {TrainingCheckpoint.Find(run.Directory)} (the next run resumes it)"));
        }

        var final = trainer.SaveFinalModel();
        ModelCard.Write(final, new ModelCard(spec.BaseModelDir, new Data.HyperfitDataset(spec.HyperfitImages.Data, spec.HyperfitImages.Column), trainer.Recipe,
            outcome.Updates, trainer.Log));
        if (TrainingCheckpoint.Find(run.Directory) is { } checkpoint)
        {
            Directory.Delete(checkpoint, recursive: true);
        }
    }

    private static void Complete(ImageExperimentSpec spec, ImageExperimentData data, string modelDir, StepRun run)
    {
        using var model = HfModelLoader.Load(modelDir, new ModelOptions(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(spec.Device)));
        var total = data.CompletionIds.Count;
        var completed = ImageCompletion.Complete(model, data.CompletionIds, data.Processor.Width, data.ContextRows, spec.Layout, spec.BatchSize,
            done => run.Log(string.Create(CultureInfo.InvariantCulture, $"{done}/{total} images completed")), run.Cancellation);
        ImageIds.WriteJsonl(Path.Combine(run.Directory, CompletionsFile), completed);
    }

    /// <summary>SHA-256 over id sequences (what a step's input hash records of its images).</summary>
    internal static string Hash(IEnumerable<int[]> sequences)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var ids in sequences)
        {
            sha.AppendData(BitConverter.GetBytes(ids.Length));
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan()));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
