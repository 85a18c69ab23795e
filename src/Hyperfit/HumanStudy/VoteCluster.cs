namespace Hyperfit.HumanStudy;

/// <summary>One resampling unit of <see cref="ClusterBootstrap"/>: the counted votes of one context within the cell
/// being estimated (its items there, one per seed), tagged with its stratum (the context set).</summary>
/// <param name="Stratum">Stratum key (the context set): a resample draws, per stratum, as many clusters as it has.</param>
/// <param name="Favourable">Votes preferring the model's text or judging it equal.</param>
/// <param name="Votes">All counted votes of the cluster.</param>
public readonly record struct VoteCluster(string Stratum, int Favourable, int Votes);
