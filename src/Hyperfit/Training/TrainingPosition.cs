namespace Hyperfit.Training;

/// <summary>Where a run is in its data: the next update reads samples
/// <c>EpochOrder(seed, Epoch)[IndexInEpoch …]</c>; <paramref name="UpdateCounter"/> updates are done.</summary>
public sealed record TrainingPosition(long Epoch, int IndexInEpoch, long UpdateCounter)
{
    public static TrainingPosition Start { get; } = new(0, 0, 0);
}
