using System.Diagnostics;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>Results of <see cref="TrainBenchmark.Run"/>.</summary>
/// <param name="FlopsPerToken">Training FLOPs per token: 6·N (N = parameters used in matmuls, i.e. without the
/// input embedding unless it is tied to the head) + 12·layers·hidden·T for attention scores and values (forward
/// and backward), the PaLM appendix B convention.</param>
/// <param name="MatmulPeakGflops">A large square matmul timed in the same run and dtype: the practical peak.</param>
/// <param name="ModelFlopsUtilisation">Achieved FLOP rate over <paramref name="MatmulPeakGflops"/>.</param>
/// <param name="PeakRssBytes">VmHWM of this process (Linux), or −1 where unavailable.</param>
/// <param name="BestMsPerStep">The fastest single update: on a shared machine the mean moves with other people's load,
/// the best step much less.</param>
/// <param name="OmpWaitPolicy">OpenMP's wait policy as libtorch saw it (<see cref="Runtime.OpenMpWaitPolicy.Describe"/>).</param>
/// <param name="Phases">Median time per phase of the timed updates (<see cref="TrainingStep.LastPhases"/>).</param>
/// <param name="OpFamilies">With profiling: time per op family (<see cref="TrainProfiler"/>), else null.</param>
/// <param name="WeightBytes">Bytes of the float32 master weights (the compute copy not included).</param>
/// <param name="AdamStateBytes">Bytes of Adam's two float32 moments.</param>
/// <param name="RssBeforeBytes">Resident set (VmRSS) with the model loaded, before the first update; −1 off Linux.</param>
/// <param name="CpuMsPerStep">Processor time (user + system, all threads) per timed update. On a machine others load,
/// wall time grows with their load while this grows much less, so tokens per CPU-second compare runs made at
/// different loads better than tokens/s; with spinning OpenMP threads it would count the spinning too.</param>
/// <param name="MklDispatch">Which of MKL's float32 kernels libtorch runs (<see cref="Runtime.MklCpuDispatch.Status"/>).</param>
public sealed record TrainBenchmarkResult(
    [property: System.Text.Json.Serialization.JsonPropertyName("dtype")] string DType, int BatchSize, int SequenceLength, int Steps, long Parameters, int Threads,
    double MsPerStep, double TokensPerSecond, double FlopsPerToken, double AchievedGflops,
    double MatmulPeakGflops, double ModelFlopsUtilisation, long PeakRssBytes, double BestMsPerStep,
    string OmpWaitPolicy, TrainingPhaseTimes Phases, IReadOnlyList<OpFamilyTime>? OpFamilies, long WeightBytes, long AdamStateBytes,
    long RssBeforeBytes, double CpuMsPerStep, string MklDispatch);

/// <summary>Times optimizer updates on random ids (the real <see cref="TrainingStep"/>, Adam included).</summary>
public static class TrainBenchmark
{
    /// <summary><c>hyperfit bench train</c>: loads the model folder (float32 master weights on <paramref name="device"/>)
    /// and times it.</summary>
    public static TrainBenchmarkResult Run(string modelDir, string device, int batchSize, int sequenceLength, int steps, string dtype = "float32",
        bool profile = false)
    {
        using var model = Checkpoints.HfModelLoader.Load(modelDir, new Models.ModelOptions(ScalarType.Float32, Runtime.ComputeDevice.Resolve(device)));
        return Run(model, batchSize, sequenceLength, steps, dtype, profile: profile);
    }

    public static TrainBenchmarkResult Run(CausalLM model, int batchSize, int sequenceLength, int steps, string dtype = "float32",
        int warmup = 1, long seed = 0, int matmulSize = 2048, bool profile = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var recipe = new HyperfitRecipe
        {
            BatchSize = batchSize, SequenceLength = sequenceLength, Samples = batchSize, DType = dtype, TtrContextTokens = 1,
        }.Validate();
        var device = model.parameters().First().device;
        var rssBefore = ProcessStatus("VmRSS:");
        using var step = new TrainingStep(model, recipe);
        using var generator = new Generator((ulong)seed);
        using var ids = randint(0, model.Config.VocabSize, [batchSize, sequenceLength], dtype: ScalarType.Int64, generator: generator).to(device);
        for (var i = 0; i < warmup; i++)
        {
            using var scope = NewDisposeScope();
            step.Update(ids, recipe.LearningRate);
        }

        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var best = double.MaxValue;
        var phases = new List<TrainingPhaseTimes>();
        for (var i = 0; i < steps; i++)
        {
            var started = clock.Elapsed.TotalMilliseconds;
            using var scope = NewDisposeScope();
            step.Update(ids, recipe.LearningRate); // sync point inside
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds - started);
            phases.Add(step.LastPhases);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var cpuMs = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
        var computeType = recipe.UsesBFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
        var families = profile ? TrainProfiler.Run(model, batchSize, sequenceLength, computeType) : null;
        var parameters = TrainingStep.UniqueParameters(model).Sum(p => p.Parameter.numel());
        var tokensPerSecond = (double)batchSize * sequenceLength * steps / seconds;
        var flopsPerToken = FlopsPerToken(model, sequenceLength);
        var achieved = tokensPerSecond * flopsPerToken / 1e9;
        var peak = MatmulGflops(computeType, device, matmulSize);
        return new TrainBenchmarkResult(dtype, batchSize, sequenceLength, steps, parameters, get_num_threads(),
            seconds * 1000 / steps, tokensPerSecond, flopsPerToken, achieved, peak, achieved / peak, PeakRssBytes(), best,
            Runtime.OpenMpWaitPolicy.Describe(), MedianPhases(phases), families, 4 * parameters, 8 * parameters, rssBefore, cpuMs / steps,
            Runtime.MklCpuDispatch.Status);
    }

    // Phase by phase, the median over the timed updates.
    private static TrainingPhaseTimes MedianPhases(List<TrainingPhaseTimes> phases)
    {
        double Median(Func<TrainingPhaseTimes, double> phase)
        {
            var values = phases.Select(phase).Order().ToArray();
            return values[values.Length / 2];
        }

        return new TrainingPhaseTimes(Median(p => p.CopyMs), Median(p => p.ForwardMs), Median(p => p.LossMs), Median(p => p.BackwardMs),
            Median(p => p.GradientMs), Median(p => p.OptimizerMs));
    }

    /// <summary>6·N + 12·L·d·T (see <see cref="TrainBenchmarkResult"/>).</summary>
    public static double FlopsPerToken(CausalLM model, int sequenceLength)
    {
        var config = model.Config;
        var matmulParameters = TrainingStep.UniqueParameters(model)
            .Where(p => p.Parameter.dim() >= 2)
            .Where(p => config.TieWordEmbeddings || !IsInputEmbedding(p.Name))
            .Sum(p => p.Parameter.numel());
        return (6.0 * matmulParameters) + (12.0 * config.NumLayers * config.HiddenSize * sequenceLength);
    }

    /// <summary>GFLOP/s of an n×n by n×n matmul (2n³ FLOPs), best of a few after a warm-up.</summary>
    public static double MatmulGflops(ScalarType dtype, Device? device = null, int n = 2048, int repeats = 5)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var a = randn([n, n], generator: generator).to(dtype, device ?? CPU);
        var b = randn([n, n], generator: generator).to(dtype, device ?? CPU);
        _ = a.matmul(b).sum().to(ScalarType.Float32).item<float>(); // warm-up, sync point
        var best = double.MaxValue;
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            _ = a.matmul(b).sum().to(ScalarType.Float32).item<float>(); // sync point (the sum is negligible next to the matmul)
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return 2.0 * n * n * n / best / 1e9;
    }

    /// <summary>Peak resident set (VmHWM in /proc/self/status) in bytes; −1 off Linux.</summary>
    public static long PeakRssBytes() => ProcessStatus("VmHWM:");

    // A size field of /proc/self/status (kB there) in bytes; −1 off Linux.
    private static long ProcessStatus(string field)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
        {
            return -1;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kb is null ? -1 : long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    private static bool IsInputEmbedding(string name) =>
        name.EndsWith("embed_tokens.weight", StringComparison.Ordinal) || name.EndsWith("wte.weight", StringComparison.Ordinal)
        || name.EndsWith("wpe.weight", StringComparison.Ordinal);
}
