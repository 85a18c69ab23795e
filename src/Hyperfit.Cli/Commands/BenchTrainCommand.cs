using System.CommandLine;
using System.Text.Json;
using Hyperfit.Checkpoints;
using Hyperfit.Models;
using Hyperfit.Runtime;
using Hyperfit.Training;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit bench train</c>: training throughput (tokens/s, ms/step, MFU, peak RSS).</summary>
public static class BenchTrainCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var batch = new Option<int>("--batch-size") { Description = "sequences per update", DefaultValueFactory = _ => 8 };
        var seqLen = new Option<int>("--seq-len") { Description = "tokens per sequence", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--steps") { Description = "timed updates (after one warm-up update)", DefaultValueFactory = _ => 5 };
        var dtype = new Option<string>("--dtype") { Description = "float32, or bfloat16 compute with float32 master weights", DefaultValueFactory = _ => "float32" };
        var device = CommonOptions.Device();
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var command = new Command("train", "Time optimizer updates (forward, backward, Adam) on random ids.") { model, batch, seqLen, steps, dtype, device, json };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var compute = TensorDTypes.ParseComputeDType(parse.GetValue(dtype)!) == TorchSharp.torch.ScalarType.BFloat16 ? "bfloat16" : "float32";
            using var loaded = HfModelLoader.Load(parse.GetValue(model)!, new ModelOptions(TorchSharp.torch.ScalarType.Float32, ComputeDevice.Resolve(parse.GetValue(device)!)));
            var result = TrainBenchmark.Run(loaded, parse.GetValue(batch), parse.GetValue(seqLen), parse.GetValue(steps), compute);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
            }
            else
            {
                AnsiConsole.MarkupLine(
                    $"{result.Parameters / 1e6:F1}M parameters, {result.DType}, batch {result.BatchSize} × {result.SequenceLength}, {result.Threads} threads: " +
                    $"{result.TokensPerSecond:F0} tokens/s, {result.MsPerStep:F0} ms/step (best {result.BestMsPerStep:F0}), {result.AchievedGflops:F1} GFLOP/s = " +
                    $"{result.ModelFlopsUtilisation:P1} of a {result.MatmulPeakGflops:F1} GFLOP/s matmul, peak RSS {result.PeakRssBytes / 1048576.0:F0} MiB");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>A <c>bench</c> parent holding only <c>train</c>. Temporary: the <c>bench</c> command (with
    /// <c>generate</c>) is being written on another branch; when it lands, it adds <see cref="Create"/> and this goes.</summary>
}
