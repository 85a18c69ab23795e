using System.Globalization;
using Hyperfit.Checkpoints;
using Hyperfit.Data;
using Hyperfit.IO;
using Hyperfit.Images;
using Hyperfit.Models;
using Hyperfit.Runtime;
using Hyperfit.Tokenization;

namespace Hyperfit.Training;

/// <summary>
/// The training job (<c>hyperfit train</c>, <c>pretrain</c> and a run's train steps): reads and samples the data, takes
/// the output folder's lock (one writer; debris of dead writers removed), checks free disk space, trains with
/// <see cref="HyperfitTrainer"/> until done or cancelled (then checkpoints), saves <c>final/</c> with a model card of
/// its own (<see cref="ModelCard"/>) and optionally drops the checkpoint. See docs/training.md.
/// </summary>
public static class TrainingJob
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="progress">Every update (loss, tokens/s).</param>
    /// <param name="log">One-line notes: removed debris, the data's size.</param>
    /// <param name="cancellation">Stops after the current update with a checkpoint (<see cref="TrainingJobOutcome.Cancelled"/>).</param>
    /// <exception cref="FieldException">A bad recipe value or device.</exception>
    /// <exception cref="TrainingException">No room on disk, an unusable checkpoint, a non-finite loss.</exception>
    /// <exception cref="IOException">Another process writes the output folder.</exception>
    public static TrainingJobOutcome Run(TrainingRequest request, IProgress<TrainingProgress>? progress = null, Action<string>? log = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        log ??= _ => { };

        // Everything that can fail on bad input fails here, before any file is written.
        var recipe = request.Recipe.Validate();
        var device = ComputeDevice.Resolve(request.Device);
        SequenceDataset data;
        Func<IReadOnlyList<int>, string> decode;
        if (ImageDataset.IsImageModel(request.ModelDir))
        {
            // An ImageGPT folder: the data are images, each one sequence of cluster ids (docs/images.md); the text
            // field's default names the Parquet image column's.
            var (processor, _) = ImageDataset.OpenModel(request.ModelDir, request.ImageLayout);
            recipe = ImageDataset.AdaptRecipe(recipe, processor, request.ImageLayout).Validate();
            log($"images: {processor.Height}×{processor.Width}, {ImageGptProcessor.Describe(request.ImageLayout)} layout, {recipe.SequenceLength} ids per image");
            data = ImageDataset.Load(request.ModelDir, request.Data.File, recipe, request.ImageLayout,
                request.Data.TextField == "text" ? "img" : request.Data.TextField);
            decode = ids => string.Join(' ', ids);
        }
        else
        {
            var tokenizer = HfTokenizer.Load(request.ModelDir);
            data = SequenceDataset.Load(request.Data.File, tokenizer, recipe, request.Data.TextField);
            decode = ids => tokenizer.Decode(ids);
        }

        var echo = request.ConfigEcho ?? new Dictionary<string, string>
        {
            ["model"] = Path.GetFullPath(request.ModelDir), ["data"] = Path.GetFullPath(request.Data.File), ["text_field"] = request.Data.TextField,
        };
        var options = new TrainerOptions(
            ModelIdentity: ModelIdentity.Hash(request.ModelDir),
            SourceDirectory: request.ModelDir,
            Decode: decode,
            Resume: request.Resume,
            ConfigEcho: echo,
            CheckpointInterval: request.CheckpointInterval);

        // One writer per output folder; what dead writers left half-written goes.
        using var folder = OutputLock.Acquire(request.OutputDir, request.Purpose);
        var debris = folder.RemoveDebris();
        if (debris.Count > 0)
        {
            log($"removed {debris.Count} temporary file(s) of an interrupted earlier run in {request.OutputDir}");
        }

        var sampled = recipe.WithSamples(data.Training.Count);
        log((recipe.DataMode == DataMode.Pack
                ? $"{data.QualifyingDocuments} of {data.TotalDocuments} documents packed into {recipe.SequenceLength}-token sequences; "
                : $"{data.QualifyingDocuments} of {data.TotalDocuments} documents have ≥ {recipe.SequenceLength} tokens; ") +
            string.Create(Inv, $"{data.Training.Count} training + {data.Validation.Count} validation sequences; {sampled.TotalUpdates} updates"));

        var model = HfModelLoader.Load(request.ModelDir, new ModelOptions(TorchSharp.torch.ScalarType.Float32, device, recipe.Dropout));
        using var trainer = new HyperfitTrainer(model, data, recipe, request.OutputDir, options);
        trainer.Setup();
        var space = DiskSpacePlan.For(model.parameters().Sum(p => p.numel()), request.OutputDir);
        if (!request.IgnoreDiskSpace)
        {
            space.Require(request.OutputDir);
        }

        var startedAt = trainer.Position.UpdateCounter;
        var outcome = trainer.Train(p => progress?.Report(p), cancellation);
        if (outcome.Cancelled)
        {
            return new TrainingJobOutcome(true, startedAt, outcome.Updates, trainer.Recipe.TotalUpdates, Loss(outcome), null, trainer.LogPath,
                TrainingCheckpoint.Find(request.OutputDir), space.CheckpointBytes, false);
        }

        var final = trainer.SaveFinalModel();
        ModelCard.Write(final, new ModelCard(request.ModelDir, request.Data, trainer.Recipe, outcome.Updates, trainer.Log));
        var checkpoint = TrainingCheckpoint.Find(request.OutputDir);
        var dropped = false;
        if (checkpoint is not null && request.DropCheckpoint)
        {
            Directory.Delete(checkpoint, recursive: true);
            dropped = true;
        }

        return new TrainingJobOutcome(false, startedAt, outcome.Updates, trainer.Recipe.TotalUpdates, Loss(outcome), final, trainer.LogPath,
            dropped ? null : checkpoint, space.CheckpointBytes, dropped);
    }

    private static float? Loss(TrainingOutcome outcome) => float.IsNaN(outcome.LastTrainLoss) ? null : outcome.LastTrainLoss;
}
