using System.CommandLine;
using Hyperfit.Training;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit train</c>: hyperfit a Hugging Face model on local data (§3 recipe unless overridden). Logic in
/// <see cref="TrainingJob"/>.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var options = new RecipeOptions(HyperfitRecipe.Paper, "§3", pretraining: false);
        var command = new Command("train", "Hyperfit a model: fine-tune on a small fixed sample set to near-zero training loss.");
        options.AddTo(command);
        command.SetAction(parse => CliErrors.Run(() => Run(options.Request(parse, "hyperfit train"))));
        return command;
    }

    /// <summary>Runs the job with a progress bar on a terminal (plain lines otherwise); Ctrl-C and SIGTERM checkpoint
    /// and exit 130/143. Shared by <c>train</c> and <c>pretrain</c>.</summary>
    internal static int Run(TrainingRequest request)
    {
        using var signals = new StopSignals();
        var outcome = Console.IsOutputRedirected
            ? TrainingJob.Run(request, new InlineProgress<TrainingProgress>(p => ReportPlain(p, request.Recipe)), Console.Error.WriteLine, signals.Token)
            : AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    ProgressTask? task = null;
                    return TrainingJob.Run(request, new InlineProgress<TrainingProgress>(p =>
                    {
                        task ??= context.AddTask("training", maxValue: p.TotalUpdates);
                        task.Value = p.Update;
                        task.Description = $"update {p.Update}/{p.TotalUpdates} epoch {p.Epoch} loss {p.Loss:F4} {p.TokensPerSecond:F0} tok/s";
                    }), Console.Error.WriteLine, signals.Token);
                });

        if (outcome.Cancelled)
        {
            Console.Error.WriteLine($"{signals.Signal}: stopped at update {outcome.Updates}; checkpoint in {outcome.Checkpoint} (rerun with --resume)");
            return signals.ExitCode;
        }

        AnsiConsole.MarkupLine(outcome.NothingToTrain
            ? $"The run had already finished its {outcome.Updates} updates (nothing to train; raise --epochs or --max-updates to extend it); model → {Markup.Escape(outcome.FinalModel!)}"
            : $"Trained {outcome.Updates} updates, last loss {outcome.LastTrainLoss:F4}; model → {Markup.Escape(outcome.FinalModel!)}, log → {Markup.Escape(outcome.LogPath)}");
        if (outcome.CheckpointDropped)
        {
            Console.Error.WriteLine($"dropped the checkpoint in {request.OutputDir} (--drop-checkpoint)");
        }
        else if (outcome.Checkpoint is { } checkpoint)
        {
            Console.Error.WriteLine($"{checkpoint} ({DiskSpacePlan.Size(outcome.CheckpointBytes)}) is only needed to extend this run; delete it or pass --drop-checkpoint next time");
        }

        return 0;
    }

    private static void ReportPlain(TrainingProgress p, HyperfitRecipe recipe)
    {
        var every = recipe.ValidateEvery > 0 ? recipe.ValidateEvery : 50;
        if (p.Update % every == 0 || p.Update == p.TotalUpdates)
        {
            Console.WriteLine($"update {p.Update}/{p.TotalUpdates} epoch {p.Epoch} loss {p.Loss:F4} {p.TokensPerSecond:F0} tok/s");
        }
    }
}
