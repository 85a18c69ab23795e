using static TorchSharp.torch;

namespace Hyperfit.Models.Cpu;

/// <summary>Runs independent work items of a hand-written kernel on as many threads as libtorch's intra-op count,
/// so the kernels follow <c>set_num_threads</c> like libtorch's own ops (one thread: inline, in order).</summary>
internal static class IntraOpParallel
{
    public static void For(int items, Action<int> item)
    {
        var threads = Math.Max(1, get_num_threads());
        if (threads == 1 || items <= 1)
        {
            for (var i = 0; i < items; i++)
            {
                item(i);
            }
        }
        else
        {
            Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = threads }, item);
        }
    }
}
