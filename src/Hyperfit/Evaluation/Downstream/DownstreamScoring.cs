namespace Hyperfit.Evaluation.Downstream;

/// <summary>How an answer is chosen (docs/downstream.md).</summary>
public enum DownstreamScoring
{
    /// <summary>hendrycks/test <c>evaluate_hf.py</c> (MMLU only): arg-max over the last position's logits of the ids of
    /// "A" … "D" (each <c>tokenizer(letter).input_ids[-1]</c>), after the official prompt.</summary>
    Official,

    /// <summary>lm-evaluation-harness: the summed log-likelihood of each answer continuation (" A", " no", …) after
    /// the harness prompt; <c>acc</c> takes the arg-max, <c>acc_norm</c> divides by the answer's length in characters.</summary>
    Harness,

    /// <summary>Greedy generation of a few tokens after the harness prompt; the first word that equals an answer
    /// (case-insensitive) is the prediction, none is wrong.</summary>
    Generate,
}
