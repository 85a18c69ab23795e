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
        var model = CommonOptions.Model("Hugging Face model folder to start from (weights, config.json, tokenizer)");
        var data = new Option<string>("--data") { Description = "training text: .txt (blank-line separated), .jsonl or .parquet", Required = true };
        var output = new Option<string>("--out") { Description = "output folder: training_log.json, checkpoint/, final/", Required = true };
        var config = new Option<string?>("--config") { Description = "recipe JSON (snake_case keys); options below override it" };
        var epochs = new Option<int?>("--epochs") { Description = "epochs (§3: 20)" };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate (§3: 1e-6)" };
        var batch = new Option<int?>("--batch-size") { Description = "sequences per update (§3: 8)" };
        var samples = new Option<int?>("--samples") { Description = "training sequences (§3: 2000)" };
        var seqLen = new Option<int?>("--seq-len") { Description = "tokens per sequence (§3: 256)" };
        var maxUpdates = new Option<int?>("--max-updates") { Description = "stop after this many updates; overrides --epochs (§6.3)" };
        var valEvery = new Option<int?>("--val-every") { Description = "validate every N updates (0: never)" };
        var valSequences = new Option<int?>("--val-sequences") { Description = "held-out validation sequences" };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "checkpoint every N updates (0: only on Ctrl-C)" };
        var gradAccum = new Option<int?>("--grad-accum") { Description = "micro-batches per update (must divide --batch-size)" };
        var dtype = new Option<string?>("--dtype") { Description = "float32, or bfloat16 compute with float32 master weights" };
        var variant = new Option<string?>("--variant") { Description = "none, shuffle1 or shuffle-all (§6.1)" };
        var seed = new Option<long?>("--seed") { Description = "seed for sampling, data order and torch" };
        var resume = new Option<bool>("--resume") { Description = "continue the run checkpointed in --out" };
        var device = CommonOptions.Device();
        var textField = new Option<string>("--text-field") { Description = "JSONL field / Parquet column holding the text", DefaultValueFactory = _ => "text" };
        var command = new Command("train", "Hyperfit a model: fine-tune on a small fixed sample set to near-zero training loss.")
        {
            model, data, output, config, epochs, lr, batch, samples, seqLen, maxUpdates, valEvery, valSequences, checkpointEvery,
            gradAccum, dtype, variant, seed, resume, device, textField,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var basis = parse.GetValue(config) is { } path ? HyperfitRecipe.Load(path) : new HyperfitRecipe();
            var recipe = (basis with
            {
                Epochs = parse.GetValue(epochs) ?? basis.Epochs,
                LearningRate = parse.GetValue(lr) ?? basis.LearningRate,
                BatchSize = parse.GetValue(batch) ?? basis.BatchSize,
                Samples = parse.GetValue(samples) ?? basis.Samples,
                SequenceLength = parse.GetValue(seqLen) ?? basis.SequenceLength,
                MaxUpdates = parse.GetValue(maxUpdates) ?? basis.MaxUpdates,
                ValidateEvery = parse.GetValue(valEvery) ?? basis.ValidateEvery,
                ValidationSequences = parse.GetValue(valSequences) ?? basis.ValidationSequences,
                CheckpointEvery = parse.GetValue(checkpointEvery) ?? basis.CheckpointEvery,
                GradientAccumulationSteps = parse.GetValue(gradAccum) ?? basis.GradientAccumulationSteps,
                DType = parse.GetValue(dtype) is { } d ? NormaliseDType(d) : basis.DType,
                Variant = parse.GetValue(variant) is { } v ? ParseVariant(v) : basis.Variant,
                Seed = parse.GetValue(seed) ?? basis.Seed,
            }).Validate();
            return Train(recipe, parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(output)!, parse.GetValue(resume),
                parse.GetValue(device)!, parse.GetValue(textField)!);
        }));
        return command;
    }

    private static int Train(HyperfitRecipe recipe, string modelDir, string dataPath, string outDir, bool resume, string device, string textField)
    {
        // Everything that can fail on bad input fails here, before any file is written.
        var tokenizer = HfTokenizer.Load(modelDir);
        var data = SequenceDataset.Load(dataPath, tokenizer, recipe, textField);
        Console.Error.WriteLine(
            $"{data.QualifyingDocuments} of {data.TotalDocuments} documents have ≥ {recipe.SequenceLength} tokens; " +
            $"{data.Training.Count} training + {data.Validation.Count} validation sequences; {recipe.TotalUpdates} updates");
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

    private static string NormaliseDType(string name) => TensorDTypes.ParseComputeDType(name) switch
    {
        TorchSharp.torch.ScalarType.Float32 => "float32",
        TorchSharp.torch.ScalarType.BFloat16 => "bfloat16",
        _ => throw new ArgumentException($"--dtype {name}: training supports float32 or bfloat16"),
    };

    private static DataVariant ParseVariant(string name) => name.Trim().ToLowerInvariant() switch
    {
        "none" => DataVariant.None,
        "shuffle1" or "shuffle-1" => DataVariant.Shuffle1,
        "shuffle-all" or "shuffle_all" or "shuffleall" => DataVariant.ShuffleAll,
        _ => throw new ArgumentException($"--variant {name}: expected none, shuffle1 or shuffle-all"),
    };
}
