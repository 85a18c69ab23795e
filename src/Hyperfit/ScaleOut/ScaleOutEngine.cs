using System.Text.Json.Serialization;

namespace Hyperfit.ScaleOut;

/// <summary>Where an exported job runs. TorchSharp has no <c>torch.distributed</c>, so a run that outgrows one machine
/// is handed to the engines the field uses: PyTorch DDP or FSDP, launched by torchrun or Hugging Face Accelerate.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScaleOutEngine>))]
public enum ScaleOutEngine
{
    /// <summary>One process, no <c>torch.distributed</c> (one GPU, or the CPU).</summary>
    [JsonStringEnumMemberName("single")]
    SingleProcess,

    /// <summary>DistributedDataParallel launched by <c>torchrun</c> (NCCL on GPUs, gloo on CPU).</summary>
    [JsonStringEnumMemberName("torchrun-ddp")]
    TorchrunDdp,

    /// <summary>DistributedDataParallel launched by <c>accelerate launch</c> (<c>distributed_type: MULTI_GPU</c>).</summary>
    [JsonStringEnumMemberName("accelerate-ddp")]
    AccelerateDdp,

    /// <summary>FullyShardedDataParallel (full shard, one unit per decoder layer) launched by <c>accelerate launch</c>.</summary>
    [JsonStringEnumMemberName("accelerate-fsdp")]
    AccelerateFsdp,
}

/// <summary>Engine names as the CLI and job.json spell them.</summary>
public static class ScaleOutEngines
{
    public static IReadOnlyList<string> Names { get; } = ["accelerate-fsdp", "accelerate-ddp", "torchrun-ddp", "single"];

    /// <exception cref="ArgumentException">An unknown name; lists the known ones.</exception>
    public static ScaleOutEngine Parse(string name) => name switch
    {
        "single" => ScaleOutEngine.SingleProcess,
        "torchrun-ddp" => ScaleOutEngine.TorchrunDdp,
        "accelerate-ddp" => ScaleOutEngine.AccelerateDdp,
        "accelerate-fsdp" => ScaleOutEngine.AccelerateFsdp,
        _ => throw new ArgumentException($"engine '{name}' is unknown (expected {string.Join(", ", Names)})"),
    };

    public static string Name(this ScaleOutEngine engine) => engine switch
    {
        ScaleOutEngine.SingleProcess => "single",
        ScaleOutEngine.TorchrunDdp => "torchrun-ddp",
        ScaleOutEngine.AccelerateDdp => "accelerate-ddp",
        ScaleOutEngine.AccelerateFsdp => "accelerate-fsdp",
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "unknown engine"),
    };

    public static bool UsesAccelerate(this ScaleOutEngine engine) => engine is ScaleOutEngine.AccelerateDdp or ScaleOutEngine.AccelerateFsdp;

    public static bool Shards(this ScaleOutEngine engine) => engine == ScaleOutEngine.AccelerateFsdp;
}
