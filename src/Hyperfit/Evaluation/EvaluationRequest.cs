using Hyperfit.Models;

namespace Hyperfit.Evaluation;

/// <summary>What <see cref="EvaluationJob"/> measures; see docs/metrics.md ("evaluate").</summary>
public sealed record EvaluationRequest
{
    /// <summary>Generations JSONL (<see cref="Generation.GenerationsFile"/>).</summary>
    public required string GenerationsFile { get; init; }

    /// <summary>The hyperfitting dataset (<see cref="Data.DatasetReader"/>: .txt, .jsonl with text or input_ids,
    /// .parquet) for dataset BLEU and overlap; null: no dataset metrics.</summary>
    public string? DatasetFile { get; init; }

    public string DatasetTextField { get; init; } = "text";

    /// <summary>Models to score; the first one's tokenizer tokenizes text. Several give the agreement matrix.</summary>
    public IReadOnlyList<string> ModelDirs { get; init; } = [];

    /// <summary>Original texts (Table 3) scored instead of context + generated continuation; needs a model.</summary>
    public string? ReferenceFile { get; init; }

    public int BatchSize { get; init; } = 4;

    public ModelOptions ModelOptions { get; init; } = ModelOptions.Default;

    public BleuSmoothing Smoothing { get; init; } = BleuSmoothing.None;

    /// <summary>metrics.json to write (and metrics.md beside it), under the file's lock; null: only returned.</summary>
    public string? OutputFile { get; init; }

    /// <summary>Rejects an inconsistent request before anything is read or loaded.</summary>
    /// <exception cref="FieldException">Names the field.</exception>
    /// <exception cref="FileNotFoundException">A named file or folder is missing.</exception>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new FieldException(Fields.BatchSize, $"batch_size must be at least 1 (got {BatchSize})");
        }

        if (ReferenceFile is not null && ModelDirs.Count == 0)
        {
            throw new FieldException(Fields.Reference, "reference texts are only scored by a model: give a model too");
        }

        foreach (var file in new[] { GenerationsFile, DatasetFile, ReferenceFile }.OfType<string>())
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"{file}: file not found", file);
            }
        }

        foreach (var dir in ModelDirs)
        {
            if (!Directory.Exists(dir))
            {
                throw new FileNotFoundException($"{dir}: model directory not found", dir);
            }
        }
    }
}
