using Hyperfit.Evaluation.Downstream;

namespace Hyperfit.Tests.Evaluation.Downstream;

public sealed class LabelPreservingSamplerTests
{
    // 70 % label 0, 20 % label 1, 10 % label 2.
    private static readonly int[] Labels = [.. Enumerable.Range(0, 100).Select(i => i < 70 ? 0 : i < 90 ? 1 : 2)];

    [Fact]
    public void Should_keep_every_draw_within_one_of_k_times_each_label_share()
    {
        var sampler = new LabelPreservingSampler(Labels, 3);
        foreach (var k in new[] { 1, 2, 3, 4, 7 })
        {
            for (var question = 0; question < 300; question++)
            {
                // When k shots are drawn
                var shots = sampler.Sample(k, seed: 1234, question);

                // Then there are k distinct examples, and label l appears ⌊k·p_l⌋ or ⌈k·p_l⌉ times
                Assert.Equal(k, shots.Length);
                Assert.Equal(k, shots.Distinct().Count());
                double[] shares = [0.7, 0.2, 0.1];
                for (var l = 0; l < 3; l++)
                {
                    var count = shots.Count(i => Labels[i] == l);
                    Assert.InRange(count, (int)Math.Floor((k * shares[l]) + 1e-9), (int)Math.Ceiling((k * shares[l]) - 1e-9));
                }
            }
        }
    }

    [Fact]
    public void Should_match_the_training_label_distribution_on_average()
    {
        // Given 4 shots drawn for 4000 questions
        var sampler = new LabelPreservingSampler(Labels, 3);
        var counts = new double[3];
        const int Questions = 4000;
        for (var question = 0; question < Questions; question++)
        {
            foreach (var i in sampler.Sample(4, seed: 7, question))
            {
                counts[Labels[i]]++;
            }
        }

        // Then each label's share of all shots is its training share (binomial noise: σ ≈ 0.004)
        Assert.Equal(0.7, counts[0] / (4 * Questions), 2);
        Assert.Equal(0.2, counts[1] / (4 * Questions), 2);
        Assert.Equal(0.1, counts[2] / (4 * Questions), 2);
    }

    [Fact]
    public void Should_draw_the_same_shots_for_the_same_seed_and_different_ones_otherwise()
    {
        var sampler = new LabelPreservingSampler(Labels, 3);
        var first = Enumerable.Range(0, 50).Select(q => sampler.Sample(4, 99, q)).ToArray();
        var again = Enumerable.Range(0, 50).Select(q => new LabelPreservingSampler(Labels, 3).Sample(4, 99, q)).ToArray();
        var other = Enumerable.Range(0, 50).Select(q => sampler.Sample(4, 100, q)).ToArray();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        // Different questions get different shots too
        Assert.True(first.Select(s => string.Join(",", s)).Distinct().Count() > 40);
    }

    [Fact]
    public void Should_use_every_example_of_a_small_label_and_reject_more_shots_than_examples()
    {
        // Given 3 examples: labels 0, 0, 1
        var sampler = new LabelPreservingSampler([0, 0, 1], 2);

        // Then 3 shots take all of them, and 4 are refused
        Assert.Equal([0, 1, 2], sampler.Sample(3, 1, 0).Order());
        var e = Assert.Throws<ArgumentException>(() => sampler.Sample(4, 1, 0));
        Assert.Contains("training split has 3 examples", e.Message, StringComparison.Ordinal);
    }
}
