namespace Hyperfit.HumanStudy;

/// <summary>One exported vote (<c>hyperfit annotate export</c>, CSV and JSONL columns in this order).</summary>
public sealed record StudyExportRow(
    long VoteId,
    long ItemId,
    string Comparison,
    string Model,
    long Seed,
    string ContextSet,
    int ContextIndex,
    int Length,
    string Annotator,
    bool ModelShownFirst,
    string Choice,
    string Preference,
    string ShownUtc,
    string SubmittedUtc,
    bool Late,
    int Rank,
    double GeneratedTtr,
    double OriginalTtr);
