using System.CommandLine;
using Hyperfit.Training;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit pretrain</c>: pre-train a (fresh) model with the same trainer as <c>train</c>, starting from
/// <see cref="HyperfitRecipe.Pretraining"/> (packed data, AdamW, warmup + cosine, clipping, bfloat16).</summary>
public static class PretrainCommand
{
    public static Command Create()
    {
        var options = new RecipeOptions(HyperfitRecipe.Pretraining, "pretraining", pretraining: true);
        var command = new Command("pretrain",
            "Pre-train a model (e.g. one from new-model) on local text: packed sequences, AdamW, warmup + cosine learning rate.");
        options.AddTo(command);
        command.SetAction(parse => CliErrors.Run(() => TrainCommand.Run(options.Request(parse, "hyperfit pretrain"))));
        return command;
    }
}
