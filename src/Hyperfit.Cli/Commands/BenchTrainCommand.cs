using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hyperfit.Checkpoints;
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
        var profile = new Option<bool>("--profile") { Description = "also time each op family (matmuls, attention, norms, loss, …) at the model's shapes" };
        var command = new Command("train", "Time optimizer updates (forward, backward, Adam) on random ids.") { model, batch, seqLen, steps, dtype, device, json, profile };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var compute = TensorDTypes.ParseComputeDType(parse.GetValue(dtype)!) == TorchSharp.torch.ScalarType.BFloat16 ? "bfloat16" : "float32";
            var result = TrainBenchmark.Run(parse.GetValue(model)!, parse.GetValue(device)!, parse.GetValue(batch), parse.GetValue(seqLen), parse.GetValue(steps), compute,
                profile: parse.GetValue(profile));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
            }
            else
            {
                Print(result);
            }

            return 0;
        }));
        return command;
    }

    private static void Print(TrainBenchmarkResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(inv,
            $"{r.Parameters / 1e6:F1}M parameters, {r.DType}, batch {r.BatchSize} × {r.SequenceLength}, {r.Threads} threads, OMP_WAIT_POLICY {r.OmpWaitPolicy}, MKL {r.MklDispatch}: " +
            $"{r.TokensPerSecond:F0} tokens/s, {r.MsPerStep:F0} ms/step (best {r.BestMsPerStep:F0}), {r.AchievedGflops:F1} GFLOP/s = " +
            $"{r.ModelFlopsUtilisation:P1} of a {r.MatmulPeakGflops:F1} GFLOP/s matmul")));
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(inv,
            $"peak RSS {r.PeakRssBytes / 1048576.0:F0} MiB (before the first update {r.RssBeforeBytes / 1048576.0:F0} MiB; float32 weights " +
            $"{r.WeightBytes / 1048576.0:F0} MiB, Adam moments {r.AdamStateBytes / 1048576.0:F0} MiB)")));
        var p = r.Phases;
        var phases = new Table().Border(TableBorder.Rounded).AddColumn("Phase (median ms per update)").AddColumn(new TableColumn("ms").RightAligned())
            .AddColumn(new TableColumn("share").RightAligned());
        foreach (var (name, ms) in new[]
                 {
                     ("master → compute copy", p.CopyMs), ("forward", p.ForwardMs), ("loss (+ its logit gradient)", p.LossMs),
                     ("backward", p.BackwardMs), ("compute → master gradients", p.GradientMs), ("optimizer", p.OptimizerMs), ("total", p.TotalMs),
                 })
        {
            phases.AddRow(name, ms.ToString("F1", inv), (ms / p.TotalMs).ToString("P0", inv));
        }

        AnsiConsole.Write(phases);
        if (r.OpFamilies is not { Count: > 0 } families)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Op family (replayed at the model's shapes)").AddColumn(new TableColumn("calls").RightAligned())
            .AddColumn(new TableColumn("forward ms").RightAligned()).AddColumn(new TableColumn("backward ms").RightAligned())
            .AddColumn(new TableColumn("GFLOP").RightAligned()).AddColumn(new TableColumn("GFLOP/s").RightAligned()).AddColumn(new TableColumn("of matmul peak").RightAligned());
        foreach (var f in families)
        {
            table.AddRow(Markup.Escape(f.Family), f.Calls.ToString(inv), f.ForwardMs.ToString("F1", inv), f.BackwardMs.ToString("F1", inv),
                f.Gflop?.ToString("F1", inv) ?? "–", f.Gflops?.ToString("F0", inv) ?? "–", f.Gflops is { } g ? (g / r.MatmulPeakGflops).ToString("P0", inv) : "–");
        }

        var sum = families.Sum(f => f.TotalMs);
        table.AddRow("sum of the families", "", "", "", "", "", "");
        table.AddRow(Markup.Escape(string.Create(inv, $"  {sum:F0} ms of the {p.ForwardMs + p.LossMs + p.BackwardMs:F0} ms forward + loss + backward measured")), "", "", "", "", "", "");
        AnsiConsole.Write(table);
    }
}
