namespace Hyperfit.Models.Cpu;

/// <summary>Work split into independent chunks that <see cref="CpuTeam"/> hands to whichever thread is free.</summary>
internal interface IChunkedWork
{
    /// <summary>Computes chunk <paramref name="chunk"/>; <paramref name="worker"/> (0 = the calling thread,
    /// 1 … helpers) selects per-thread scratch. Chunks must write disjoint outputs.</summary>
    void Run(int chunk, int worker);
}
