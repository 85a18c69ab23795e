using System.CommandLine;
using Hyperfit.Checkpoints;
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
    internal static int Run(HyperfitRecipe recipe, string modelDir, string dataPath, string outDir, bool resume, string device, string textField)
    {
        // Everything that can fail on bad input fails here, before any file is written.
        var tokenizer = HfTokenizer.Load(modelDir);
        var data = SequenceDataset.Load(dataPath, tokenizer, recipe, textField);
        Console.Error.WriteLine(
            (recipe.DataMode == DataMode.Pack
                ? $"{data.QualifyingDocuments} of {data.TotalDocuments} documents packed into {recipe.SequenceLength}-token sequences; "
                : $"{data.QualifyingDocuments} of {data.TotalDocuments} documents have ≥ {recipe.SequenceLength} tokens; ") +
            $"{data.Training.Count} training + {data.Validation.Count} validation sequences; " +
            $"{recipe.WithSamples(data.Training.Count).TotalUpdates} updates");
        var options = new TrainerOptions(
            ModelIdentity: ModelIdentity.Hash(modelDir),
            SourceDirectory: modelDir,
            Decode: ids => tokenizer.Decode(ids),
            Resume: resume,
            ConfigEcho: new Dictionary<string, string>
            {
                ["model"] = Path.GetFullPath(modelDir), ["data"] = Path.GetFullPath(dataPath), ["text_field"] = textField,
            });
        var model = HfModelLoader.Load(modelDir, new ModelOptions(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(device), recipe.Dropout));
        using var trainer = new HyperfitTrainer(model, data, recipe, outDir, options);
        trainer.Setup();

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl-C: finish the current update, checkpoint, exit. A second one kills as usual.
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true;
                cancel.Cancel();
            }
        };
        Console.CancelKeyPress += onCancel;
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
            Console.Error.WriteLine($"stopped at update {outcome.Updates}; checkpoint in {Path.Combine(outDir, TrainingCheckpoint.DirectoryName)} (rerun with --resume)");
            return 130;
        }

        var final = trainer.SaveFinalModel();
        AnsiConsole.MarkupLine($"Trained {outcome.Updates} updates, last loss {outcome.LastTrainLoss:F4}; model → {Markup.Escape(final)}, log → {Markup.Escape(trainer.LogPath)}");
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
