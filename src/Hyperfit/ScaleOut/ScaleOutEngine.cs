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
