namespace Hyperfit.ScaleOut;

/// <summary>Bytes one device holds while a job trains, by kind (an estimate from the model's shapes, written into
/// the job's README; see docs/scale-out.md for the formulas' derivation).</summary>
/// <remarks>
/// P parameters, W processes, U the largest FSDP unit (max of one decoder layer and the rest: embeddings, final
/// norm, head), c bytes per computed value (4 for fp32, 2 for bf16-mixed), b sequences per micro-batch, T tokens,
/// L layers, h hidden, h_kv = h · kv_heads / heads, i intermediate, a heads, V vocabulary.
/// <list type="bullet">
/// <item>Weights 4P, gradients 4P, Adam's two moments 8P (all float32: the master copy); FSDP full shard divides
/// the three by W and adds the gathered units: two in flight (current + prefetched) and one unsharded gradient,
/// 3·c·U. DDP with bf16 autocast also keeps the bfloat16 cast of every weight for backward: 2P.</item>
/// <item>Activations saved for backward, per layer and token (eager attention, no dropout): the norm inputs and
/// outputs, q, k, v, the attention output and the residual (6h + 2h_kv values), the MLP's (4i gated, 2i GELU),
/// all at c bytes, plus the attention probabilities a·T at 4 bytes (softmax in float32; + c for the cast back in
/// bf16). Times L·b·T. Gradient checkpointing keeps only each layer's input (h·c per token) plus one layer's full
/// set during its recomputation.</item>
/// <item>Logits b·T·V: at c bytes, their float32 copy in bf16, and the log-softmax cross-entropy keeps (4 bytes).</item>
/// </list>
/// Not counted: the CUDA context, allocator fragmentation and communication buffers (add 1–3 GB per GPU), and
/// temporaries of a single op.
/// </remarks>
public sealed record MemoryPlan(
    long WeightBytes,
    long GradientBytes,
    long AdamBytes,
    long GatheredBytes,
    long ActivationBytes,
    long LogitBytes)
{
    public long TotalBytes => WeightBytes + GradientBytes + AdamBytes + GatheredBytes + ActivationBytes + LogitBytes;

    /// <param name="sharded">FSDP full shard (true) or a full replica per device (DDP, single).</param>
    public static MemoryPlan Estimate(JobModelInfo model, int worldSize, bool sharded, int microBatch, int sequenceLength,
        ScaleOutPrecision precision, bool gradientCheckpointing)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(worldSize, 1);
        long p = model.Parameters;
        long c = precision == ScaleOutPrecision.Bf16Mixed ? 2 : 4;
        long w = sharded ? worldSize : 1;
        var rest = Math.Max(0, p - (model.LargestLayerParameters * model.NumLayers));
        var unit = Math.Max(model.LargestLayerParameters, rest);
        var gathered = sharded ? 3 * c * unit : (precision == ScaleOutPrecision.Bf16Mixed ? 2 * p : 0);

        long h = model.HiddenSize;
        long hkv = h * model.NumKeyValueHeads / Math.Max(1, model.NumAttentionHeads);
        long perTokenValues = (6 * h) + (2 * hkv) + ((model.GatedMlp ? 4L : 2L) * model.IntermediateSize);
        long probabilityBytes = model.NumAttentionHeads * (long)sequenceLength * (4 + (c == 2 ? c : 0));
        long tokens = (long)microBatch * sequenceLength;
        var oneLayer = tokens * ((perTokenValues * c) + probabilityBytes);
        var activations = gradientCheckpointing
            ? (model.NumLayers * tokens * h * c) + oneLayer
            : model.NumLayers * oneLayer;
        var logits = tokens * model.VocabSize * (c + 4 + (c == 2 ? 4 : 0));
        return new MemoryPlan(4 * p / w, 4 * p / w, 8 * p / w, gathered, activations, logits);
    }
}
