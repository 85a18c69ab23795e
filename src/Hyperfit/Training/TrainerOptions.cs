namespace Hyperfit.Training;

/// <summary>Run settings that are not part of the recipe.</summary>
/// <param name="ModelIdentity">Hash of the starting model (<see cref="Training.ModelIdentity.Hash"/>): a resumed
/// run must start from the same model.</param>
/// <param name="SourceDirectory">Folder the model came from: its tokenizer files are copied next to the final model.</param>
/// <param name="Decode">Ids → text for the log's <c>val_gen_seqs</c>.</param>
/// <param name="Resume">Continue from <c>out/checkpoint</c> instead of starting fresh.</param>
/// <param name="ConfigEcho">Extra fields for the log's config echo (model and data paths…).</param>
/// <param name="CheckpointInterval">Also checkpoint when this much time has passed since the last checkpoint (or the
/// start), so a hard kill loses at most this much work; null: only by <c>checkpoint_every</c> updates. Not part of the
/// recipe: when checkpoints are written does not change the numbers.</param>
/// <param name="Clock">Time source of <paramref name="CheckpointInterval"/> (tests move it by hand).</param>
public sealed record TrainerOptions(
    string ModelIdentity = "",
    string? SourceDirectory = null,
    Func<IReadOnlyList<int>, string>? Decode = null,
    bool Resume = false,
    IReadOnlyDictionary<string, string>? ConfigEcho = null,
    TimeSpan? CheckpointInterval = null,
    TimeProvider? Clock = null)
{
    /// <summary>Default time between checkpoints of the CLI's runs: a kill loses at most ten minutes.</summary>
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromMinutes(10);
}
