namespace Hyperfit.Training;

/// <summary>§6.1 "Determinacy of data": the same samples, in a different order.</summary>
public enum DataVariant
{
    /// <summary>The samples as drawn.</summary>
    None,

    /// <summary>Shuffle-1: the first two samples trade places; everything else is unchanged.</summary>
    Shuffle1,

    /// <summary>Shuffle-All: the whole sample list is permuted with a seed different from the run's.</summary>
    ShuffleAll,
}
