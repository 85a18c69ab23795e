using Hyperfit.ScaleOut;

namespace Hyperfit.Tests.ScaleOut;

public sealed class MemoryPlanTests
{
    /// <summary>TinyLlama 1.1B's shapes (config.json of TinyLlama-1.1B-intermediate-step-1431k-3T): hidden 2048,
    /// 22 layers, 32 heads / 4 kv heads, intermediate 5632, vocabulary 32000, untied.</summary>
    private static JobModelInfo TinyLlama()
    {
        const long layer = (2048L * 2048 * 2) + (2048L * 256 * 2) + (3L * 2048 * 5632) + (2 * 2048); // q,o + k,v + MLP + norms
        return new JobModelInfo("model", "", "", "LlamaForCausalLM", "LlamaDecoderLayer",
            (22 * layer) + (2L * 32000 * 2048) + 2048, layer, 22, 2048, 5632, 32, 4, 32000, false, true);
    }

    [Fact]
    public void Should_count_tinyllamas_parameters_as_published()
    {
        // 1,100,048,384 is the parameter count transformers reports for TinyLlama-1.1B.
        Assert.Equal(1_100_048_384, TinyLlama().Parameters);
    }

    [Fact]
    public void Should_give_16_bytes_per_parameter_of_states_on_a_replica_and_divide_them_under_fsdp()
    {
        var m = TinyLlama();
        var ddp = MemoryPlan.Estimate(m, 8, sharded: false, microBatch: 1, sequenceLength: 256, ScaleOutPrecision.Fp32, gradientCheckpointing: false);
        var fsdp = MemoryPlan.Estimate(m, 8, sharded: true, microBatch: 1, sequenceLength: 256, ScaleOutPrecision.Fp32, gradientCheckpointing: false);

        // Weights 4P, gradients 4P, Adam 8P on a replica; a eighth of each under FSDP, plus 3 units of 4 bytes
        Assert.Equal(16 * m.Parameters, ddp.WeightBytes + ddp.GradientBytes + ddp.AdamBytes);
        Assert.Equal(2 * m.Parameters, fsdp.WeightBytes + fsdp.GradientBytes + fsdp.AdamBytes);
        var rest = m.Parameters - (22 * m.LargestLayerParameters); // embeddings + head + final norm: the largest unit here
        Assert.Equal(3 * 4 * rest, fsdp.GatheredBytes);
        Assert.Equal(0, ddp.GatheredBytes);

        // Activations per layer and token: 6h + 2h_kv + 4i values of 4 bytes and a·T probabilities of 4 bytes
        var perToken = (((6 * 2048) + (2 * 256) + (4 * 5632)) * 4) + (32 * 256 * 4);
        Assert.Equal(22L * 256 * perToken, ddp.ActivationBytes);
        Assert.Equal(256L * 32000 * 8, ddp.LogitBytes);
    }

    [Fact]
    public void Should_shrink_activations_with_gradient_checkpointing_and_count_bf16_casts()
    {
        var m = TinyLlama();
        var plain = MemoryPlan.Estimate(m, 1, false, 8, 256, ScaleOutPrecision.Bf16Mixed, false);
        var checkpointed = MemoryPlan.Estimate(m, 1, false, 8, 256, ScaleOutPrecision.Bf16Mixed, true);
        var oneLayer = plain.ActivationBytes / 22;
        Assert.Equal((22L * 8 * 256 * 2048 * 2) + oneLayer, checkpointed.ActivationBytes);
        Assert.Equal(2 * m.Parameters, plain.GatheredBytes); // the bf16 cast of every weight kept for backward
    }
}
