namespace Hyperfit.HumanStudy;

/// <summary>
/// Percentile confidence interval of a preference share by a seeded, stratified cluster bootstrap (Efron &amp;
/// Tibshirani 1993, ch. 13; Davison &amp; Hinkley 1997, §3.8 for clustered data). The votes are not independent: an
/// item's three annotators judge the same pair of texts, and every comparison and both lengths reuse the same
/// contexts. So a resample draws whole contexts (<see cref="VoteCluster"/>) with replacement, and does so within
/// each context set, as many per set as the design has, so every resample keeps the study's mix of sets. The interval
/// is the (1 − c)/2 and (1 + c)/2 type-7 quantiles (<see cref="Percentile"/>) of the statistic over the resamples.
/// </summary>
public static class ClusterBootstrap
{
    /// <summary>Resamples the report draws.</summary>
    public const int DefaultResamples = 10_000;

    /// <summary>The report's default seed.</summary>
    public const int DefaultSeed = 20250124;

    /// <summary>The method's name as the report states it.</summary>
    public const string Method = "percentile";

    /// <summary>The statistic on the clusters as given (the point estimate); null without votes. Clusters without votes
    /// are left out, and so is a stratum that has none (the caller decides whether a mean over the others means
    /// anything).</summary>
    public static double? Estimate(IReadOnlyList<VoteCluster> clusters, BootstrapStatistic statistic = BootstrapStatistic.PooledShare)
    {
        var strata = Strata(clusters);
        if (strata.Count == 0)
        {
            return null;
        }

        return Evaluate(strata.Select(s => (Fav: (double)s.Favourable.Sum(), Votes: (double)s.Votes.Sum())).ToArray(), statistic);
    }

    /// <summary>
    /// The interval; null without votes. Clusters without votes are left out first (they carry nothing and would
    /// make some resamples undefined). The same seed and data give the same interval.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 100 resamples, a confidence outside (0, 1), or a
    /// cluster with negative counts or more favourable votes than votes.</exception>
    public static ConfidenceInterval? Interval(
        IReadOnlyList<VoteCluster> clusters,
        int resamples = DefaultResamples,
        int seed = DefaultSeed,
        double confidence = 0.95,
        BootstrapStatistic statistic = BootstrapStatistic.PooledShare)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 100);
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must lie in (0, 1).");
        }

        if (Estimate(clusters, statistic) is null)
        {
            return null;
        }

        var strata = Strata(clusters);
        var random = new Random(seed);
        var values = new double[resamples];
        var sums = new (double Fav, double Votes)[strata.Count];
        for (var r = 0; r < resamples; r++)
        {
            for (var s = 0; s < strata.Count; s++)
            {
                var (favourable, votes) = strata[s];
                long fav = 0, total = 0;
                for (var i = 0; i < votes.Length; i++)
                {
                    var pick = random.Next(votes.Length);
                    fav += favourable[pick];
                    total += votes[pick];
                }

                sums[s] = (fav, total);
            }

            values[r] = Evaluate(sums, statistic);
        }

        Array.Sort(values);
        var tail = (1 - confidence) / 2;
        return new ConfidenceInterval(Percentile.OfSorted(values, tail), Percentile.OfSorted(values, 1 - tail));
    }

    private static double Evaluate((double Fav, double Votes)[] strata, BootstrapStatistic statistic) => statistic switch
    {
        BootstrapStatistic.PooledShare => strata.Sum(s => s.Fav) / strata.Sum(s => s.Votes),
        BootstrapStatistic.MeanOfStratumShares => strata.Average(s => s.Fav / s.Votes),
        _ => throw new ArgumentOutOfRangeException(nameof(statistic), statistic, "Unknown bootstrap statistic."),
    };

    /// <summary>Clusters with votes, grouped by stratum in order of first appearance (ordinal keys).</summary>
    private static List<(int[] Favourable, int[] Votes)> Strata(IReadOnlyList<VoteCluster> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        foreach (var c in clusters)
        {
            if (c.Votes < 0 || c.Favourable < 0 || c.Favourable > c.Votes)
            {
                throw new ArgumentOutOfRangeException(nameof(clusters), $"Cluster in stratum \"{c.Stratum}\" has {c.Favourable} favourable of {c.Votes} votes.");
            }
        }

        return clusters.Where(c => c.Votes > 0)
            .GroupBy(c => c.Stratum, StringComparer.Ordinal)
            .Select(g => (g.Select(c => c.Favourable).ToArray(), g.Select(c => c.Votes).ToArray()))
            .ToList();
    }
}
