using Hyperfit.Evaluation;

namespace Hyperfit.Tests.Evaluation;

public sealed class MetricsBenchmarkTests
{
    [Fact]
    public void Should_run_a_small_benchmark_whose_fast_and_brute_force_results_agree()
    {
        // Given tiny sizes (no timing assertions: speed is what the benchmark reports, not what tests check)
        var options = new MetricsBenchmarkOptions
        {
            Vocabulary = 50, TextLength = 24, SelfBleuTexts = 30, DatasetBleuTexts = 10, DatasetSequences = 12,
            DatasetSequenceLength = 40, SelfBleuBruteForceTexts = 5, DatasetBleuBruteForceTexts = 2, OverlapBruteForceTexts = 3,
        };

        // When
        var result = MetricsBenchmark.Run(options);

        // Then
        Assert.Equal(["Self-BLEU", "Dataset BLEU", "Overlap"], result.Timings.Select(t => t.Metric));
        Assert.All(result.Timings, t => Assert.True(t.Agrees, t.Metric));
        Assert.All(result.Timings, t => Assert.True(t.Extrapolated));
        Assert.Contains("extrapolated from 5 of 30", result.ToString(), StringComparison.Ordinal);
    }
}
