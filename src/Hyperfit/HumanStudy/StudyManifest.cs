using System.Text.Json;

namespace Hyperfit.HumanStudy;

/// <summary>An input file of a study, with the SHA-256 of its bytes at build time.</summary>
/// <param name="Role"><c>reference</c> (contexts and original continuations) or <c>generations</c>.</param>
/// <param name="Label">The context set (references) or the comparison (generations).</param>
public sealed record StudyInputFile(string Role, string Label, string Path, string Sha256, long Bytes);

/// <summary>
/// <c>manifest.json</c> of a study folder: where the items came from (a <c>hyperfit run</c> folder and its spec hash,
/// or explicit files), the hash of every input file, the tokenizer that cut the texts, and the study's design (comparisons,
/// context sets, lengths, annotations per item, the assignment seed). Written once by <see cref="StudyBuilder"/>.
/// </summary>
public sealed record StudyManifest
{
    public const string FileName = "manifest.json";

    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public required string CreatedUtc { get; init; }

    /// <summary><c>run</c> or <c>files</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The <c>hyperfit run</c> output folder (source <c>run</c>).</summary>
    public string? RunDirectory { get; init; }

    /// <summary>The run's spec hash (its <c>spec.json</c>); <c>hyperfit run --human-votes</c> checks it.</summary>
    public string? SpecHash { get; init; }

    /// <summary>The model folder whose tokenizer decoded and cut the texts.</summary>
    public required string TokenizerDirectory { get; init; }

    public string? TokenizerFingerprint { get; init; }

    public required IReadOnlyList<StudyInputFile> Inputs { get; init; }

    public required IReadOnlyList<string> Comparisons { get; init; }

    public required IReadOnlyList<string> ContextSets { get; init; }

    public required IReadOnlyList<int> Lengths { get; init; }

    public required IReadOnlyList<long> Seeds { get; init; }

    public required int Items { get; init; }

    /// <summary>§4: three independent annotations per comparison.</summary>
    public int AnnotationsPerItem { get; init; } = 3;

    /// <summary>Seeds the item draws and left/right coin flips of the assignment.</summary>
    public long AssignmentSeed { get; init; }

    public static string PathIn(string studyDirectory) => System.IO.Path.Combine(studyDirectory, FileName);

    /// <exception cref="InvalidDataException">Missing, unreadable or of another format.</exception>
    public static StudyManifest Read(string studyDirectory)
    {
        var path = PathIn(studyDirectory);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{studyDirectory}: not a study folder (no {FileName}; make one with 'hyperfit annotate build')");
        }

        StudyManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllText(path), StudyJsonContext.Default.StudyManifest)
                       ?? throw new InvalidDataException($"{path}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid manifest ({e.Message.Split('\n')[0]})", e);
        }

        if (manifest.Format != CurrentFormat)
        {
            throw new InvalidDataException($"{path}: manifest format {manifest.Format}, this Hyperfit reads format {CurrentFormat}");
        }

        return manifest;
    }

    public void Write(string studyDirectory) =>
        Checkpoints.HfModelSaver.WriteAtomically(PathIn(studyDirectory), JsonSerializer.Serialize(this, StudyJsonContext.Default.StudyManifest) + "\n");
}
