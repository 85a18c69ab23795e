namespace Hyperfit.HumanStudy;

/// <summary>Who may use a study: an annotator (votes on their own stream of items) or an admin (progress, export).</summary>
public enum StudyRole
{
    Annotator,
    Admin,
}

/// <summary>An account of a study, as the server sees it after a token or session check.</summary>
/// <param name="Stamp">The first characters of the account's token hash: a session cookie carries it, so a reissued
/// token ends the old sessions.</param>
public sealed record StudyAccount(long Id, string Name, StudyRole Role, string Stamp);
