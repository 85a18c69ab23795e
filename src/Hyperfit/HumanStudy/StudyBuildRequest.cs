namespace Hyperfit.HumanStudy;

/// <summary>A labelled input file of a study built from explicit files.</summary>
/// <param name="Label">The context set (a reference file) or the comparison (a generations file).</param>
public sealed record LabelledFile(string Label, string Path);

/// <summary>
/// What <see cref="StudyBuilder"/> builds a study from: either a <c>hyperfit run</c> / <c>hyperfit demo</c> output folder
/// (<see cref="RunDirectory"/>), or explicit reference and generations files in <c>hyperfit generate</c>'s JSONL format
/// with the model folder whose tokenizer made them. Filters choose comparisons, context sets and seeds; by default a
/// study holds every (non-sweep) decoding configuration of the first seed on every context set at both lengths.
/// </summary>
public sealed record StudyBuildRequest
{
    /// <summary>The study folder to write (<c>study.db</c>, <c>manifest.json</c>).</summary>
    public required string StudyDirectory { get; init; }

    /// <summary>A <c>hyperfit run</c> output folder; exclusive with <see cref="References"/>/<see cref="Generations"/>.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>Explicit files: the model folder whose tokenizer produced the ids (decodes and cuts the texts).</summary>
    public string? TokenizerDirectory { get; init; }

    /// <summary>Explicit files: context set label → reference file (contexts and original continuations).</summary>
    public IReadOnlyList<LabelledFile> References { get; init; } = [];

    /// <summary>Explicit files: comparison label → generations file; each record is matched to its reference context by
    /// its context ids.</summary>
    public IReadOnlyList<LabelledFile> Generations { get; init; } = [];

    /// <summary>Comparisons (decoding labels) to include; empty = all.</summary>
    public IReadOnlyList<string> Comparisons { get; init; } = [];

    /// <summary>Context sets to include; empty = all.</summary>
    public IReadOnlyList<string> ContextSets { get; init; } = [];

    /// <summary>Run seeds to include; empty = the run's first seed.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [];

    /// <summary>Length scenarios (§4): 128 (first 96 continuation tokens) and 256 (the 224 generated tokens).</summary>
    public IReadOnlyList<int> Lengths { get; init; } = StudyLengths.Both;

    /// <summary>At most this many contexts per set (the first ones); null = all.</summary>
    public int? ContextsPerSet { get; init; }

    /// <summary>Seeds the assignment's item draws and left/right coin flips.</summary>
    public long AssignmentSeed { get; init; } = 42;
}
