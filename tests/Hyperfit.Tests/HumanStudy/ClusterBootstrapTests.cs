using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class ClusterBootstrapTests
{
    private static readonly string[] TwoSets = ["fiction", "news"];

    private static List<VoteCluster> Realistic()
    {
        // 2 context sets × 30 contexts with 2–7 votes each (several items per context), favourable counts drawn with
        // a local seeded generator: shares fine-grained enough that quantiles rarely tie across seeds
        var random = new Random(11);
        return [.. TwoSets.SelectMany(set => Enumerable.Range(0, 30).Select(_ =>
        {
            var votes = random.Next(2, 8);
            return new VoteCluster(set, random.Next(votes + 1), votes);
        }))];
    }

    [Fact]
    public void Should_give_the_same_interval_for_the_same_seed()
    {
        // Given a study-sized set of clusters
        var clusters = Realistic();

        // When it is bootstrapped twice with seed 7 and once with seed 8
        var first = ClusterBootstrap.Interval(clusters, seed: 7);
        var again = ClusterBootstrap.Interval(clusters, seed: 7);
        var other = ClusterBootstrap.Interval(clusters, seed: 8);

        // Then the same seed gives the same bounds bit for bit, another seed different ones
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Should_contain_the_point_estimate_and_be_wider_than_wilson_for_clustered_votes()
    {
        // Given clusters whose three votes always agree (fully clustered: 3 votes carry the information of one)
        var random = new Random(3);
        var clusters = TwoSets.SelectMany(set => Enumerable.Range(0, 40).Select(_ => new VoteCluster(set, random.Next(2) * 3, 3))).ToList();
        var favourable = clusters.Sum(c => c.Favourable);
        var votes = clusters.Sum(c => c.Votes);

        // When
        var estimate = ClusterBootstrap.Estimate(clusters)!.Value;
        var ci = ClusterBootstrap.Interval(clusters)!;
        var wilson = WilsonInterval.Compute(favourable, votes)!;

        // Then the estimate is the pooled share, inside the interval, and the interval is wider than Wilson's, which
        // wrongly treats the 240 votes as independent (ratio of widths ≈ √3 in theory)
        Assert.Equal((double)favourable / votes, estimate, 12);
        Assert.InRange(estimate, ci.Lower, ci.Upper);
        var ratio = (ci.Upper - ci.Lower) / (wilson.Upper - wilson.Lower);
        Assert.InRange(ratio, 1.4, 2.1);
    }

    [Fact]
    public void Should_give_a_zero_width_interval_when_every_context_has_the_same_share()
    {
        // Given every context 2 of 3 favourable
        var clusters = Enumerable.Range(0, 20).Select(i => new VoteCluster(i % 2 == 0 ? "a" : "b", 2, 3)).ToList();

        // When
        var ci = ClusterBootstrap.Interval(clusters)!;

        // Then
        Assert.Equal(new ConfidenceInterval(2.0 / 3, 2.0 / 3), ci);
    }

    [Fact]
    public void Should_keep_each_context_sets_size_in_every_resample()
    {
        // Given set "a" all favourable and set "b" all unfavourable, 10 contexts of 3 votes each
        var clusters = Enumerable.Range(0, 10).Select(_ => new VoteCluster("a", 3, 3))
            .Concat(Enumerable.Range(0, 10).Select(_ => new VoteCluster("b", 0, 3))).ToList();

        // When
        var ci = ClusterBootstrap.Interval(clusters)!;

        // Then every resample holds 10 contexts of each set, so the pooled share is always 30/60 (an unstratified
        // bootstrap would vary it)
        Assert.Equal(new ConfidenceInterval(0.5, 0.5), ci);
    }

    [Fact]
    public void Should_match_the_exact_bootstrap_distribution()
    {
        // Given one set of four contexts with 0, 1, 2 and 3 of 3 votes favourable. The exact bootstrap distribution
        // enumerates all 4⁴ = 256 equally likely ordered resamples: share = (sum of the four picks) / 12.
        VoteCluster[] clusters = [new("s", 0, 3), new("s", 1, 3), new("s", 2, 3), new("s", 3, 3)];
        var exact = new List<double>();
        foreach (var a in clusters)
        {
            foreach (var b in clusters)
            {
                foreach (var c in clusters)
                {
                    foreach (var d in clusters)
                    {
                        exact.Add((a.Favourable + b.Favourable + c.Favourable + d.Favourable) / 12.0);
                    }
                }
            }
        }

        exact.Sort();
        // P(sum ≤ 1) = 5/256 = 0.0195 < 0.025 < P(sum ≤ 2) = 15/256: the 2.5% quantile is 2/12, by symmetry the
        // 97.5% one 10/12, and neither level sits near a jump of the distribution.
        Assert.Equal(2.0 / 12, Percentile.OfSorted(exact, 0.025), 12);
        Assert.Equal(10.0 / 12, Percentile.OfSorted(exact, 0.975), 12);

        // When the Monte Carlo bootstrap draws 20,000 resamples
        var ci = ClusterBootstrap.Interval(clusters, resamples: 20_000, seed: 5)!;

        // Then its percentile interval is the exact one
        Assert.Equal(2.0 / 12, ci.Lower, 12);
        Assert.Equal(10.0 / 12, ci.Upper, 12);
    }

    [Fact]
    public void Should_average_the_sets_for_the_mean_of_stratum_shares()
    {
        // Given set "a": 1 context 3/3; set "b": 2 contexts 0/3 and 3/3
        VoteCluster[] clusters = [new("a", 3, 3), new("b", 0, 3), new("b", 3, 3)];

        // When
        var pooled = ClusterBootstrap.Estimate(clusters, BootstrapStatistic.PooledShare);
        var mean = ClusterBootstrap.Estimate(clusters, BootstrapStatistic.MeanOfStratumShares);
        var ci = ClusterBootstrap.Interval(clusters, statistic: BootstrapStatistic.MeanOfStratumShares)!;

        // Then pooled 6/9, mean (1 + 1/2)/2 = 3/4; resamples of "b" give 0, ½ or 1 (¼, ½, ¼), so the interval
        // is [(1 + 0)/2, (1 + 1)/2]
        Assert.Equal(6.0 / 9, pooled!.Value, 12);
        Assert.Equal(0.75, mean!.Value, 12);
        Assert.Equal(new ConfidenceInterval(0.5, 1.0), ci);
    }

    [Fact]
    public void Should_give_null_without_votes_and_reject_bad_arguments()
    {
        // Given / When / Then
        Assert.Null(ClusterBootstrap.Interval([]));
        Assert.Null(ClusterBootstrap.Interval([new VoteCluster("a", 0, 0)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClusterBootstrap.Interval([new VoteCluster("a", 4, 3)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClusterBootstrap.Interval([new VoteCluster("a", 1, 3)], resamples: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClusterBootstrap.Interval([new VoteCluster("a", 1, 3)], confidence: 1));
    }
}
