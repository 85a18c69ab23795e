namespace Hyperfit.Training;

/// <summary>Run settings that are not part of the recipe.</summary>
/// <param name="ModelIdentity">Hash of the starting model (<see cref="Training.ModelIdentity.Hash"/>): a resumed
/// run must start from the same model.</param>
/// <param name="SourceDirectory">Folder the model came from: its tokenizer files are copied next to the final model.</param>
/// <param name="Decode">Ids → text for the log's <c>val_gen_seqs</c>.</param>
/// <param name="Resume">Continue from <c>out/checkpoint</c> instead of starting fresh.</param>
/// <param name="ConfigEcho">Extra fields for the log's config echo (model and data paths…).</param>
public sealed record TrainerOptions(
    string ModelIdentity = "",
    string? SourceDirectory = null,
    Func<IReadOnlyList<int>, string>? Decode = null,
    bool Resume = false,
    IReadOnlyDictionary<string, string>? ConfigEcho = null);
