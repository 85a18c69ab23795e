namespace Hyperfit.Training;

/// <summary>What a run does at each update: which samples it reads, at which learning rate, and after which updates
/// it validates. The one implementation of the batch order: <see cref="HyperfitTrainer"/> follows it, and
/// <c>ScaleOut</c> exports it so that another engine trains on exactly the same batches.</summary>
/// <remarks>Each epoch visits the samples in <see cref="SequenceDataset.EpochOrder"/>(seed, epoch); an update takes
/// the next <c>batch_size</c> of them, so the last batch of an epoch is smaller when <c>batch_size</c> does not
/// divide <c>samples</c>. Validation runs before the first update and after every <c>validate_every</c>-th and the
/// last (none when <c>validate_every</c> is 0).</remarks>
public sealed class TrainingSchedule
{
    private readonly HyperfitRecipe _recipe;
    private int[]? _order;
    private long _orderEpoch = -1;

    /// <param name="recipe">A valid recipe; <c>samples</c> 0 (pack mode: all) is resolved to <paramref name="samples"/>.</param>
    /// <param name="samples">Training samples the run has.</param>
    /// <exception cref="ArgumentException">The recipe asks for a different number of samples.</exception>
    public TrainingSchedule(HyperfitRecipe recipe, int samples)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        _recipe = recipe.WithSamples(samples);
        if (_recipe.Samples != samples)
        {
            throw new ArgumentException($"the recipe has samples {_recipe.Samples}, the data {samples}");
        }

        Samples = samples;
    }

    public int Samples { get; }

    public long TotalUpdates => _recipe.TotalUpdates;

    public int UpdatesPerEpoch => _recipe.UpdatesPerEpoch;

    /// <summary>Sample indices of the update that starts at <paramref name="position"/>.</summary>
    public int[] Batch(TrainingPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        if (_orderEpoch != position.Epoch)
        {
            _order = SequenceDataset.EpochOrder(_recipe.Seed, position.Epoch, Samples);
            _orderEpoch = position.Epoch;
        }

        return _order!.AsSpan(position.IndexInEpoch, Math.Min(_recipe.BatchSize, Samples - position.IndexInEpoch)).ToArray();
    }

    /// <summary>The position after an update of <paramref name="rows"/> samples from <paramref name="position"/>.</summary>
    public TrainingPosition Advance(TrainingPosition position, int rows)
    {
        ArgumentNullException.ThrowIfNull(position);
        var index = position.IndexInEpoch + rows;
        return index >= Samples
            ? new TrainingPosition(position.Epoch + 1, 0, position.UpdateCounter + 1)
            : position with { IndexInEpoch = index, UpdateCounter = position.UpdateCounter + 1 };
    }

    /// <summary>Learning rate of the zero-based update <paramref name="update"/>.</summary>
    public double LearningRate(long update) => LearningRateSchedules.At(_recipe, update);

    /// <summary>True when the run validates once <paramref name="updatesDone"/> updates are done (0: before the first).</summary>
    public bool ValidatesAfter(long updatesDone) =>
        _recipe.ValidateEvery > 0 && (updatesDone % _recipe.ValidateEvery == 0 || updatesDone == TotalUpdates);

    /// <summary>Every update of the run from the start: its zero-based number and sample indices.</summary>
    public IEnumerable<(long Update, int[] Samples)> Updates()
    {
        var position = TrainingPosition.Start;
        while (position.UpdateCounter < TotalUpdates)
        {
            var rows = Batch(position);
            yield return (position.UpdateCounter, rows);
            position = Advance(position, rows.Length);
        }
    }
}
