namespace Hyperfit.Evaluation.Downstream;

/// <summary>Perplexity of the zero-shot prompts (paper Table 7: "measured on the zero-shot context of all questions",
/// each question separately): every prompt token after the first is predicted.</summary>
/// <param name="MeanOverQuestions">Mean over questions of exp(−mean log p) of each prompt — the paper's reading.</param>
/// <param name="Pooled">exp(−mean log p) over all prompt tokens of all questions together.</param>
/// <param name="Tokens">Predicted tokens in all.</param>
/// <param name="Questions">Prompts measured.</param>
public sealed record PromptPerplexity(double MeanOverQuestions, double Pooled, long Tokens, int Questions);
