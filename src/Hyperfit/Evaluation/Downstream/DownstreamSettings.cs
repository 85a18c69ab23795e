using System.Globalization;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>How a benchmark is run, the same for every model compared.</summary>
public sealed record DownstreamSettings
{
    /// <summary>Official (MMLU only), harness or generate.</summary>
    public DownstreamScoring Scoring { get; init; } = DownstreamScoring.Official;

    /// <summary>Shots per run; MMLU default 0, 1, 3, 5 (Table 7), GLUE 0 and 4 (Table 8: zero-shot and "the maximum
    /// number of shots allowed by the context length, ranging from 1 to 4").</summary>
    public IReadOnlyList<int> Shots { get; init; } = [0, 1, 3, 5];

    /// <summary>Longest prompt in tokens; null: each model's max positions. The official script hard-codes 2048.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Padded context tokens per forward pass.</summary>
    public int BatchTokens { get; init; } = 4096;

    /// <summary>GLUE shot sampling seed (the harness's default few-shot seed is 1234).</summary>
    public long Seed { get; init; } = 1234;

    /// <summary>Generate mode: greedy tokens per answer.</summary>
    public int GenerateTokens { get; init; } = 5;

    /// <summary>Only the first N questions of each MMLU subject or GLUE task (quick runs); null: all.</summary>
    public int? Limit { get; init; }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        var c = CultureInfo.InvariantCulture;
        if (Shots.Count == 0 || Shots.Any(k => k < 0) || Shots.Distinct().Count() != Shots.Count)
        {
            throw new ArgumentException($"shots must be distinct numbers ≥ 0 (got {string.Join(",", Shots)})", nameof(Shots));
        }

        if (MaxLength is < 1)
        {
            throw new ArgumentException(string.Create(c, $"max length must be at least 1 (got {MaxLength})"), nameof(MaxLength));
        }

        if (BatchTokens < 1)
        {
            throw new ArgumentException(string.Create(c, $"batch tokens must be at least 1 (got {BatchTokens})"), nameof(BatchTokens));
        }

        if (GenerateTokens < 1)
        {
            throw new ArgumentException(string.Create(c, $"generate tokens must be at least 1 (got {GenerateTokens})"), nameof(GenerateTokens));
        }

        if (Limit is < 1)
        {
            throw new ArgumentException(string.Create(c, $"limit must be at least 1 (got {Limit})"), nameof(Limit));
        }
    }
}
