namespace Hyperfit.HumanStudy;

/// <summary>
/// One item of a human preference study (§4, Appendix A): a context and two continuations of it, the original text's
/// and a model's, at one length scenario. Each item is to receive three independent annotations.
/// </summary>
/// <param name="Id">Database id.</param>
/// <param name="Comparison">The generating configuration (a run's decoding label, or the label given at build time).</param>
/// <param name="Model">The model that generated (<c>base</c>, <c>hyperfitted</c>, …; the comparison label when unknown).</param>
/// <param name="Seed">The run's generation seed (0 for explicit files without one).</param>
/// <param name="ContextSet">The context set label.</param>
/// <param name="ContextIndex">0-based index of the context within its set.</param>
/// <param name="SourceLine">Line of the context's document in the context set's source file.</param>
/// <param name="Length">256 (224 generated vs 224 original tokens) or 128 (the first 96 tokens of each).</param>
/// <param name="Context">The context as text (special tokens left out).</param>
/// <param name="Original">The original continuation, cut to the length scenario with the model's tokenizer.</param>
/// <param name="Generated">The model's continuation, cut the same way.</param>
/// <param name="GeneratedTtr">TTR of the last 96 tokens of the shown generated continuation.</param>
/// <param name="OriginalTtr">TTR of the last 96 tokens of the shown original continuation.</param>
public sealed record StudyItem(
    long Id,
    string Comparison,
    string Model,
    long Seed,
    string ContextSet,
    int ContextIndex,
    int SourceLine,
    int Length,
    string Context,
    string Original,
    string Generated,
    double GeneratedTtr,
    double OriginalTtr);
