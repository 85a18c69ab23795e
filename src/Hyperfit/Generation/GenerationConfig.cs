using System.Globalization;

namespace Hyperfit.Generation;

/// <summary>Settings of one generation run. Defaults are the paper's: greedy decoding of a fixed number of
/// tokens (§4: 32 context tokens, 224 generated). The sampling fields default to the paper's nucleus
/// baseline (§4: "TopP = 0.9, Temp = 0.7 and TopK = 50") and only matter with <see cref="DecodingStrategy.Sample"/>.</summary>
public sealed record GenerationConfig
{
    /// <summary>§4: every model but the nucleus baseline decodes greedily.</summary>
    public DecodingStrategy Strategy { get; init; } = DecodingStrategy.Greedy;

    /// <summary>§4: 224 new tokens after a 32-token context (256 in total).</summary>
    public int MaxNewTokens { get; init; } = 224;

    /// <summary>False by default: the paper compares fixed-length continuations. When true, a row that emits an
    /// EOS id stops; it keeps emitting the pad id (not part of its output) while the other rows go on.</summary>
    public bool StopAtEos { get; init; }

    /// <summary>§4 nucleus baseline: 0.7.</summary>
    public double Temperature { get; init; } = 0.7;

    /// <summary>§4 nucleus baseline: 50. 0 turns top-k off.</summary>
    public int TopK { get; init; } = 50;

    /// <summary>§4 nucleus baseline: 0.9. 1 turns top-p off.</summary>
    public double TopP { get; init; } = 0.9;

    /// <summary>Hugging Face semantics: logits of tokens already in context + generated text are divided by it
    /// when positive and multiplied by it when negative. 1 turns it off (the paper uses none).</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Hugging Face semantics: no n-gram of this size occurs twice in context + generated text. 0 = off.</summary>
    public int NoRepeatNgramSize { get; init; }

    /// <summary>Seed of the sampling generator; a run is reproducible for a given seed and batch.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>§3: the citation blocker checks whether "the 5 most recently generated tokens" occur in the
    /// hyperfitting data. Only used when a <see cref="CitationIndex"/> is given (its n must equal this).</summary>
    public int CitationNgram { get; init; } = CitationIndex.DefaultNgram;

    /// <summary>The paper's nucleus-sampling baseline (§4).</summary>
    public static GenerationConfig NucleusBaseline { get; } = new() { Strategy = DecodingStrategy.Sample };

    /// <summary>Throws a <see cref="FieldException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        var c = CultureInfo.InvariantCulture;
        if (MaxNewTokens < 1)
        {
            throw new FieldException(Fields.MaxNewTokens, string.Create(c, $"max_new_tokens must be at least 1 (got {MaxNewTokens})"));
        }

        if (!(Temperature > 0) || double.IsInfinity(Temperature))
        {
            throw new FieldException(Fields.Temperature, string.Create(c, $"temperature must be > 0 (got {Temperature})"));
        }

        if (TopK < 0)
        {
            throw new FieldException(Fields.TopK, string.Create(c, $"top_k must be >= 0 (got {TopK})"));
        }

        if (!(TopP > 0 && TopP <= 1))
        {
            throw new FieldException(Fields.TopP, string.Create(c, $"top_p must be in (0, 1] (got {TopP})"));
        }

        if (!(RepetitionPenalty > 0) || double.IsInfinity(RepetitionPenalty))
        {
            throw new FieldException(Fields.RepetitionPenalty, string.Create(c, $"repetition_penalty must be > 0 (got {RepetitionPenalty})"));
        }

        if (NoRepeatNgramSize < 0)
        {
            throw new FieldException(Fields.NoRepeatNgramSize, string.Create(c, $"no_repeat_ngram_size must be >= 0 (got {NoRepeatNgramSize})"));
        }

        if (CitationNgram < 1)
        {
            throw new FieldException(Fields.CitationNgram, string.Create(c, $"citation_ngram must be at least 1 (got {CitationNgram})"));
        }
    }
}
