using System.CommandLine;
using Hyperfit.Checkpoints;
using Hyperfit.Images;
using Hyperfit.Models;
using Hyperfit.Runtime;
using Hyperfit.Tokenization;
using Hyperfit.Training;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit train</c>: hyperfit a Hugging Face model on local data (§3 recipe unless overridden).</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var options = new RecipeOptions(HyperfitRecipe.Paper, "§3", pretraining: false);
        var command = new Command("train", "Hyperfit a model: fine-tune on a small fixed sample set to near-zero training loss.");
        options.AddTo(command);
        command.SetAction(parse => CliErrors.Run(() => options.Run(parse)));
        return command;
    }

    /// <summary>Loads the data and model, trains (with a progress bar on a terminal, plain lines otherwise), handles
    /// Ctrl-C and saves the final model. Shared by <c>train</c> and <c>pretrain</c>.</summary>
    internal static int Run(HyperfitRecipe recipe, string modelDir, string dataPath, string outDir, bool resume, string device, string textField,
        TimeSpan? checkpointInterval = null, bool ignoreDiskSpace = false, bool dropCheckpoint = false,
        ImageSequenceLayout imageLayout = ImageSequenceLayout.Raw)
    {
        // Everything that can fail on bad input fails here, before any file is written.
        SequenceDataset data;
        Func<IReadOnlyList<int>, string> decode;
        if (ImageGptProcessor.Exists(modelDir) && HfModelLoader.ReadConfig(modelDir) is Models.ImageGPT.ImageGPTConfig)
        {
            // An ImageGPT folder: the data are images, each one sequence of cluster ids (docs/images.md).
            var (processor, _) = ImageDataset.OpenModel(modelDir, imageLayout);
            recipe = ImageDataset.AdaptRecipe(recipe, processor, imageLayout).Validate();
            Console.Error.WriteLine($"images: {processor.Height}×{processor.Width}, {ImageGptProcessor.Describe(imageLayout)} layout, {recipe.SequenceLength} ids per image");
            data = ImageDataset.Load(modelDir, dataPath, recipe, imageLayout, textField == "text" ? "img" : textField);
            decode = ids => string.Join(' ', ids);
        }
        else
        {
            var tokenizer = HfTokenizer.Load(modelDir);
            data = SequenceDataset.Load(dataPath, tokenizer, recipe, textField);
            decode = ids => tokenizer.Decode(ids);
        }

        var options = new TrainerOptions(
            ModelIdentity: ModelIdentity.Hash(modelDir),
            SourceDirectory: modelDir,
            Decode: decode,
            Resume: resume,
            ConfigEcho: new Dictionary<string, string>
            {
                ["model"] = Path.GetFullPath(modelDir), ["data"] = Path.GetFullPath(dataPath), ["text_field"] = textField,
            },
            CheckpointInterval: checkpointInterval);

        // One writer per output folder; what dead writers left half-written goes.
        using var folder = IO.OutputLock.Acquire(outDir, "hyperfit train");
        var debris = folder.RemoveDebris();
        if (debris.Count > 0)
        {
            Console.Error.WriteLine($"removed {debris.Count} temporary file(s) of an interrupted earlier run in {outDir}");
        }

        Console.Error.WriteLine(
            (recipe.DataMode == DataMode.Pack
                ? $"{data.QualifyingDocuments} of {data.TotalDocuments} documents packed into {recipe.SequenceLength}-token sequences; "
                : $"{data.QualifyingDocuments} of {data.TotalDocuments} documents have ≥ {recipe.SequenceLength} tokens; ") +
            $"{data.Training.Count} training + {data.Validation.Count} validation sequences; " +
            $"{recipe.WithSamples(data.Training.Count).TotalUpdates} updates");

        var model = HfModelLoader.Load(modelDir, new ModelOptions(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(device), recipe.Dropout));
        using var trainer = new HyperfitTrainer(model, data, recipe, outDir, options);
        trainer.Setup();
        var space = DiskSpacePlan.For(model.parameters().Sum(p => p.numel()), outDir);
        if (!ignoreDiskSpace)
        {
            space.Require($"--out {outDir}");
        }

        var startedAt = trainer.Position.UpdateCounter;
        using var cancel = new CancellationTokenSource();
        var signal = "";
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl-C: finish the current update, checkpoint, exit. A second one kills as usual.
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true;
                signal = "SIGINT";
                cancel.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;
        // SIGTERM (Slurm, docker stop, systemd, timeout) is handled like Ctrl-C: checkpoint, then exit 143.
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            signal = "SIGTERM";
            cancel.Cancel();
        });
        TrainingOutcome outcome;
        try
        {
            outcome = Console.IsOutputRedirected
                ? trainer.Train(p => ReportPlain(p, trainer), cancel.Token)
                : RunWithProgressBar(trainer, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        if (outcome.Cancelled)
        {
            Console.Error.WriteLine($"{signal}: stopped at update {outcome.Updates}; checkpoint in {Path.Combine(outDir, TrainingCheckpoint.DirectoryName)} (rerun with --resume)");
            return signal == "SIGTERM" ? 143 : 130;
        }

        var final = trainer.SaveFinalModel();
        AnsiConsole.MarkupLine(outcome.Updates == startedAt
            ? $"The run had already finished its {outcome.Updates} updates (nothing to train; raise --epochs or --max-updates to extend it); model → {Markup.Escape(final)}"
            : $"Trained {outcome.Updates} updates, last loss {outcome.LastTrainLoss:F4}; model → {Markup.Escape(final)}, log → {Markup.Escape(trainer.LogPath)}");
        if (TrainingCheckpoint.Find(outDir) is { } checkpoint)
        {
            if (dropCheckpoint)
            {
                Directory.Delete(checkpoint, recursive: true);
                Console.Error.WriteLine($"dropped {checkpoint} (--drop-checkpoint)");
            }
            else
            {
                Console.Error.WriteLine($"{checkpoint} ({DiskSpacePlan.Size(space.CheckpointBytes)}) is only needed to extend this run; delete it or pass --drop-checkpoint next time");
            }
        }

        return 0;
    }

    private static TrainingOutcome RunWithProgressBar(HyperfitTrainer trainer, CancellationToken cancellation) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: trainer.Recipe.TotalUpdates);
                task.Value = trainer.Position.UpdateCounter;
                return trainer.Train(p =>
                {
                    task.Value = p.Update;
                    task.Description = $"update {p.Update}/{p.TotalUpdates} epoch {p.Epoch} loss {p.Loss:F4} {p.TokensPerSecond:F0} tok/s";
                }, cancellation);
            });

    private static void ReportPlain(TrainingProgress p, HyperfitTrainer trainer)
    {
        var every = trainer.Recipe.ValidateEvery > 0 ? trainer.Recipe.ValidateEvery : 50;
        if (p.Update % every == 0 || p.Update == p.TotalUpdates)
        {
            Console.WriteLine($"update {p.Update}/{p.TotalUpdates} epoch {p.Epoch} loss {p.Loss:F4} {p.TokensPerSecond:F0} tok/s");
        }
    }
}
