namespace Hyperfit.Evaluation;

/// <summary>One model's predictions on the texts (Table 1's context PPL, Table 3's PPL, entropy and @k mass).</summary>
public sealed record ModelScores
{
    public required string Model { get; init; }

    /// <summary>Perplexity of the contexts (every context token with a predecessor).</summary>
    public required double ContextPpl { get; init; }

    public required double ContextPplMeanOverTexts { get; init; }

    public required long ContextPositions { get; init; }

    public required bool ContextStartsWithBos { get; init; }

    /// <summary>Perplexity of the whole texts (context + continuation).</summary>
    public required double Ppl { get; init; }

    public required double PplMeanOverTexts { get; init; }

    /// <summary>Mean entropy (nats) of the predicted distributions.</summary>
    public required double Entropy { get; init; }

    /// <summary>Mean probability mass of the top 1 / 3 / 5 tokens.</summary>
    public required double Top1 { get; init; }

    public required double Top3 { get; init; }

    public required double Top5 { get; init; }

    /// <summary>Scored positions (the weight when texts of several sets are pooled).</summary>
    public required long Positions { get; init; }
}
