using Hyperfit.Data;
using Hyperfit.Images;

namespace Hyperfit.Training;

/// <summary>What <see cref="TrainingJob"/> trains: <see cref="Recipe"/> on <see cref="Data"/>, starting from the model in
/// <see cref="ModelDir"/>, into <see cref="OutputDir"/> (training_log.json, checkpoint/, final/).</summary>
public sealed record TrainingRequest
{
    public required string ModelDir { get; init; }

    public required HyperfitDataset Data { get; init; }

    /// <summary>Validated by the job (the recipe's own keys name its errors).</summary>
    public required HyperfitRecipe Recipe { get; init; }

    public required string OutputDir { get; init; }

    /// <summary>Continue the run checkpointed in <see cref="OutputDir"/> (also to extend a finished one).</summary>
    public bool Resume { get; init; }

    public string Device { get; init; } = "cpu";

    /// <summary>Also checkpoint when this much time passed since the last one; null: only by <c>checkpoint_every</c>.</summary>
    public TimeSpan? CheckpointInterval { get; init; } = TrainerOptions.DefaultCheckpointInterval;

    /// <summary>Start even when the free space looks too small for checkpoints + final model.</summary>
    public bool IgnoreDiskSpace { get; init; }

    /// <summary>Delete checkpoint/ (3× the model) after a successful run.</summary>
    public bool DropCheckpoint { get; init; }

    /// <summary>What holds the output folder's lock, for a second writer's refusal (e.g. <c>hyperfit train</c>).</summary>
    public string Purpose { get; init; } = "hyperfit train";

    /// <summary>ImageGPT models only: how an image's ids are laid out (the paper's raw pixel ids, or a start id first).</summary>
    public ImageSequenceLayout ImageLayout { get; init; } = ImageSequenceLayout.Raw;

    /// <summary>Echoed into the training log's config and the model card; null: the request's paths.</summary>
    public IReadOnlyDictionary<string, string>? ConfigEcho { get; init; }
}
