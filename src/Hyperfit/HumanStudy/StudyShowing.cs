namespace Hyperfit.HumanStudy;

/// <summary>An item handed to one annotator: which text is on which side (a seeded coin flip per showing, Appendix A),
/// and until when the item is held for them.</summary>
/// <param name="ShowingId">Unguessable id the vote form carries; a vote names the showing, never the item.</param>
public sealed record StudyShowing(string ShowingId, StudyItem Item, bool ModelShownFirst, DateTimeOffset ShownUtc, DateTimeOffset ExpiresUtc)
{
    public string FirstText => ModelShownFirst ? Item.Generated : Item.Original;

    public string SecondText => ModelShownFirst ? Item.Original : Item.Generated;
}

/// <summary>What became of a submitted vote.</summary>
public enum VoteOutcome
{
    /// <summary>Stored while its hold was valid.</summary>
    Stored,

    /// <summary>Stored, flagged late: its hold had expired (the item may have been handed to someone else meanwhile).</summary>
    StoredLate,

    /// <summary>The showing already has its vote (a double submit from two tabs or a retry): nothing new stored.</summary>
    Duplicate,

    /// <summary>The showing does not exist or belongs to another annotator: nothing stored.</summary>
    NotAssigned,
}

/// <summary>The answer to a submitted vote.</summary>
/// <param name="VoteId">The stored vote (also for a duplicate); null when nothing was assigned.</param>
public sealed record VoteReceipt(VoteOutcome Outcome, long? VoteId);
