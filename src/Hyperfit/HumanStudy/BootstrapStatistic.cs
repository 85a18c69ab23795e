namespace Hyperfit.HumanStudy;

/// <summary>What <see cref="ClusterBootstrap"/> estimates from a (re)sample of clusters.</summary>
public enum BootstrapStatistic
{
    /// <summary>Favourable votes / votes over all clusters (Table 1's Pref, Table 4's per-set cells).</summary>
    PooledShare,

    /// <summary>The unweighted mean over strata of each stratum's pooled share (Table 4's "Average" column).</summary>
    MeanOfStratumShares,
}
