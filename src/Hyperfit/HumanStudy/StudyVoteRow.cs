namespace Hyperfit.HumanStudy;

/// <summary>
/// One stored vote joined with the item it judges: what export, statistics and reports read. One row per vote.
/// </summary>
/// <param name="VoteId">Database id of the vote (increasing in submission order).</param>
/// <param name="ItemId">Database id of the item (one comparison at one length).</param>
/// <param name="Comparison">The generating configuration: a decoding label of the run (e.g. <c>hyperfitted_greedy</c>) or
/// the label given at build time.</param>
/// <param name="Model">The model that generated (<c>base</c>, <c>hyperfitted</c>, …).</param>
/// <param name="Seed">The run's seed of the generation (0 when built from explicit files without one).</param>
/// <param name="ContextSet">The context set label (Table 4's column).</param>
/// <param name="ContextIndex">0-based index of the context within its set: with the set, the unit a bootstrap
/// resamples (the same context is shared by every comparison and both lengths).</param>
/// <param name="Length">Length scenario: 256 (the 224 generated tokens against the 224 original ones) or 128 (the
/// first 96 tokens of each).</param>
/// <param name="Annotator">Annotator account name.</param>
/// <param name="ModelShownFirst">True when the model's text was shown first (left).</param>
/// <param name="Choice">The button pressed.</param>
/// <param name="Preference">The choice in terms of the texts.</param>
/// <param name="ShownUtc">When the item was handed out for this showing.</param>
/// <param name="SubmittedUtc">When the vote was stored.</param>
/// <param name="Late">The vote arrived after its hold had expired (kept, flagged).</param>
/// <param name="Rank">1-based order of this vote among the item's votes by submission; the protocol's three
/// annotations are ranks 1–3, a late vote may make a fourth.</param>
/// <param name="GeneratedTtr">TTR of the model's shown continuation (its last 96 tokens, Appendix A.1).</param>
/// <param name="OriginalTtr">TTR of the original shown continuation (its last 96 tokens).</param>
public sealed record StudyVoteRow(
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
    ScreenChoice Choice,
    HumanPreference Preference,
    DateTimeOffset ShownUtc,
    DateTimeOffset SubmittedUtc,
    bool Late,
    int Rank,
    double GeneratedTtr,
    double OriginalTtr);
