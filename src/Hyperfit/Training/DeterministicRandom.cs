namespace Hyperfit.Training;

/// <summary>SplitMix64: a tiny generator whose output is fixed by its seed on every platform and .NET version
/// (<see cref="Random"/> with a seed promises no such thing), so sample draws and epoch orders are reproducible
/// and recomputable on resume from (seed, epoch) alone.</summary>
public sealed class DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(long seed) => _state = unchecked((ulong)seed);

    /// <summary>A generator for a sub-stream (e.g. one epoch) that does not overlap the parent's draws.</summary>
    public static DeterministicRandom Derive(long seed, long stream) =>
        new(unchecked(seed ^ (long)(0x9E3779B97F4A7C15UL * (ulong)(stream + 1))));

    public ulong NextUInt64()
    {
        unchecked
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>), without modulo bias.</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var limit = ulong.MaxValue - (ulong.MaxValue % (ulong)bound);
        ulong draw;
        do
        {
            draw = NextUInt64();
        }
        while (draw >= limit);
        return (int)(draw % (ulong)bound);
    }

    /// <summary>A Fisher–Yates permutation of 0 … <paramref name="count"/> − 1.</summary>
    public int[] Permutation(int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
