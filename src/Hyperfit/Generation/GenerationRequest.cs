using Hyperfit.Data;
using Hyperfit.Models;

namespace Hyperfit.Generation;

/// <summary>What <see cref="GenerationJob"/> generates: continuations of <see cref="Contexts"/> by the model in
/// <see cref="ModelDir"/>, optionally blocking citations of a hyperfitting dataset (§3). See docs/generation.md.</summary>
public sealed record GenerationRequest
{
    public required string ModelDir { get; init; }

    public required ContextSource Contexts { get; init; }

    public required GenerationConfig Config { get; init; }

    /// <summary>The hyperfitting dataset whose citations are blocked (read by <see cref="DatasetReader"/>); null: no blocker.</summary>
    public HyperfitDataset? CitationDataset { get; init; }

    /// <summary>Contexts generated together.</summary>
    public int BatchSize { get; init; } = 8;

    public ModelOptions ModelOptions { get; init; } = ModelOptions.Default;

    /// <summary>Generations JSONL to write under the file's lock (<see cref="IO.OutputLock.AcquireFile"/>); null: only returned.</summary>
    public string? OutputFile { get; init; }

    /// <summary>Rejects an inconsistent request before anything is read.</summary>
    /// <exception cref="FieldException">Names the field.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Config);
        Config.Validate();
        if (Contexts.ContextTokens is < 1)
        {
            throw new FieldException(Fields.ContextTokens, $"context_tokens must be at least 1 (got {Contexts.ContextTokens})");
        }

        if (BatchSize < 1)
        {
            throw new FieldException(Fields.BatchSize, $"batch_size must be at least 1 (got {BatchSize})");
        }
    }
}
