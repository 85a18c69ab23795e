using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Images;
using Hyperfit.Models;
using Hyperfit.Runtime;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>
/// Runs an <see cref="ImageExperimentSpec"/> as resumable steps (the text experiments' step machinery: each step's
/// folder under <c>OUT/steps/</c>, a done marker with its input hash, reused when unchanged):
/// <c>train-SEED</c> hyperfits the base model with the one trainer (validation loss at each epoch's end),
/// <c>complete-base</c> and <c>complete-hyperfitted-SEED</c> complete the held-out images greedily from their first rows.
/// Then <see cref="ImageExperimentReport"/> measures the completions and writes the grids, Figure 10, results.json and report.md.
/// </summary>
public static class ImageExperimentRunner
{
    public const string BaseLabel = "base";
    public const string HyperfittedLabel = "hyperfitted";
    public const string CompletionsFile = "completions.jsonl";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="log">One line per step and per epoch.</param>
    /// <exception cref="IOException">OUT holds another spec's results and <paramref name="force"/> is false.</exception>
    public static ExperimentOutcome Run(ImageExperimentSpec spec, string outDir, bool force = false, Action<string>? log = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        log ??= _ => { };
        var output = Path.GetFullPath(outDir);
        ExperimentRunner.CheckOutputFolder(spec.Hash, output, force);
        var data = ImageExperimentData.Load(spec);
        log(data.Describe());
        Directory.CreateDirectory(Path.Combine(output, ExperimentRunner.StepsFolder));
        HfModelSaver.WriteAtomically(Path.Combine(output, ExperimentRunner.SpecFile), new JsonObject
        {
            ["spec_hash"] = spec.Hash,
            ["spec_file"] = spec.SpecFile,
            ["spec"] = spec.Json.DeepClone(),
        }.ToJsonString(Indented) + "\n");

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
                dir => Train(spec, data, recipe, dir, baseIdentity, log, cancellation)) { Model = HyperfittedLabel, Seed = seed });
        }

        var completeInputs = (JsonObject)common.DeepClone();
        completeInputs["completions"] = data.CompletionHash;
        completeInputs["context_rows"] = data.ContextRows;
        steps.Add(new ExperimentStep(CompleteStep(BaseLabel, null), StepKind.Generate, [], completeInputs,
            dir => Complete(spec, data, spec.BaseModelDir, dir, log, cancellation)) { Model = BaseLabel });
        foreach (var seed in spec.Seeds)
        {
            steps.Add(new ExperimentStep(CompleteStep(HyperfittedLabel, seed), StepKind.Generate, [TrainStep(seed)], (JsonObject)completeInputs.DeepClone(),
                dir => Complete(spec, data, Path.Combine(StepDir(TrainStep(seed)), HyperfitTrainer.FinalDirectoryName), dir, log, cancellation))
            {
                Model = HyperfittedLabel,
                Seed = seed,
            });
        }

        var (ran, skipped) = ExperimentRunner.RunSteps(steps, StepDir, log);
        var (results, markdown) = ImageExperimentReport.Build(spec, data, output, StepDir);
        var resultsPath = Path.Combine(output, "results.json");
        var reportPath = Path.Combine(output, "report.md");
        HfModelSaver.WriteAtomically(resultsPath, JsonSerializer.Serialize(results, ImageExperimentJsonContext.Default.ImageExperimentResults) + "\n");
        HfModelSaver.WriteAtomically(reportPath, markdown);
        log($"wrote {resultsPath} and {reportPath} ({ran.Count} steps ran, {skipped.Count} reused)");
        return new ExperimentOutcome(ran, skipped, resultsPath, reportPath);
    }

    public static string TrainStep(long seed) => string.Create(CultureInfo.InvariantCulture, $"train-{seed}");

    public static string CompleteStep(string label, long? seed) =>
        seed is { } s ? string.Create(CultureInfo.InvariantCulture, $"complete-{label}-{s}") : $"complete-{label}";

    private static void Train(ImageExperimentSpec spec, ImageExperimentData data, HyperfitRecipe recipe, string dir, string identity,
        Action<string> log, CancellationToken cancellation)
    {
        var dataset = SequenceDataset.FromDocuments(data.HyperfitSequences, recipe, spec.HyperfitImages.Data);
        var model = HfModelLoader.Load(spec.BaseModelDir, new ModelOptions(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(spec.Device), recipe.Dropout));
        using var trainer = new HyperfitTrainer(model, dataset, recipe, dir, new TrainerOptions(
            ModelIdentity: identity,
            SourceDirectory: spec.BaseModelDir,
            Decode: ids => string.Join(' ', ids),
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
                    log(string.Create(CultureInfo.InvariantCulture, $"    validation loss after epoch {e.Epoch:0.##}: {v:F4}"));
                }
            }
        }

        var outcome = trainer.Train(p =>
        {
            ReportValidation();
            if (p.Update % perEpoch == 0 || p.Update == p.TotalUpdates)
            {
                log(string.Create(CultureInfo.InvariantCulture,
                    $"    epoch {(double)p.Update / perEpoch:0.#}/{(double)p.TotalUpdates / perEpoch:0.#}: training loss {p.Loss:F4}, {p.TokensPerSecond:F0} ids/s"));
            }
        }, cancellation);
        ReportValidation();
        if (outcome.Cancelled)
        {
            throw new OperationCanceledException("hyperfitting was cancelled (a checkpoint was written)");
        }

        trainer.SaveFinalModel();
    }

    private static void Complete(ImageExperimentSpec spec, ImageExperimentData data, string modelDir, string dir, Action<string> log, CancellationToken cancellation)
    {
        using var model = HfModelLoader.Load(modelDir, new ModelOptions(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(spec.Device)));
        var total = data.CompletionIds.Count;
        var completed = ImageCompletion.Complete(model, data.CompletionIds, data.Processor.Width, data.ContextRows, spec.Layout, spec.BatchSize,
            done => log(string.Create(CultureInfo.InvariantCulture, $"    {done}/{total} images completed")), cancellation);
        ImageIds.WriteJsonl(Path.Combine(dir, CompletionsFile), completed);
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
