using Hyperfit.Training;

namespace Hyperfit.Tests.Training;

public sealed class TrainBenchmarkTests
{
    [Fact]
    public void Should_time_updates_and_count_flops_per_token()
    {
        // Given a tiny untied Llama (vocab 97, hidden 32, 2 layers)
        using var model = TrainingFixtures.TinyLlama();
        var embedding = 97 * 32;
        var matmul = TrainingStep.UniqueParameters(model).Where(p => p.Parameter.dim() >= 2).Sum(p => p.Parameter.numel()) - embedding;

        // When two bf16 updates of 2 × 16 tokens are timed
        var result = TrainBenchmark.Run(model, batchSize: 2, sequenceLength: 16, steps: 2, dtype: "bfloat16", matmulSize: 256);

        // Then FLOPs per token are 6·N (without the input embedding) + 12·L·d·T, and the rates are positive
        Assert.Equal((6.0 * matmul) + (12.0 * 2 * 32 * 16), result.FlopsPerToken);
        Assert.True(result.TokensPerSecond > 0 && result.MatmulPeakGflops > 0 && result.BestMsPerStep <= result.MsPerStep);
        Assert.True(result.PeakRssBytes > 0);
    }
}
