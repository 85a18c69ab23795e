using Hyperfit.Models;

namespace Hyperfit.Evaluation;

/// <summary>What <c>hyperfit evaluate</c> measures; see docs/metrics.md ("evaluate").</summary>
public sealed record EvaluationRequest
{
    /// <summary>Generation JSONL (<c>context_ids</c>, <c>continuation_ids</c>).</summary>
    public required string GenerationsFile { get; init; }

    /// <summary>Hyperfitting dataset (.txt or .jsonl with <c>text</c> or <c>input_ids</c>) for dataset BLEU and overlap.</summary>
    public string? DatasetFile { get; init; }

    public string DatasetTextField { get; init; } = "text";

    /// <summary>Models to score; the first one's tokenizer tokenizes text records. Several give the agreement matrix.</summary>
    public IReadOnlyList<string> ModelDirs { get; init; } = [];

    /// <summary>Original texts (Table 3) scored instead of context + generated continuation; needs a model.</summary>
    public string? ReferenceFile { get; init; }

    public int BatchSize { get; init; } = 4;

    public ModelOptions ModelOptions { get; init; } = ModelOptions.Default;

    public BleuSmoothing Smoothing { get; init; } = BleuSmoothing.None;

    /// <summary>Rejects an inconsistent request before anything is read or loaded.</summary>
    /// <exception cref="ArgumentException">One line naming the option.</exception>
    /// <exception cref="FileNotFoundException">A named file or folder is missing.</exception>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentException($"--batch-size must be at least 1 (got {BatchSize})");
        }

        if (ReferenceFile is not null && ModelDirs.Count == 0)
        {
            throw new ArgumentException("--reference needs --model: reference texts are only scored by a model");
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
