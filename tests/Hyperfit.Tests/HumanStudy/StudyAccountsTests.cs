using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class StudyAccountsTests
{
    [Fact]
    public void Should_store_only_the_hash_of_a_token_and_authenticate_with_the_token()
    {
        using var f = new StudyFixture(1, ["fiction"], ["x"]);
        var study = f.Build();

        var token = StudyAccounts.Invite(study, "Ann Lee", StudyRole.Annotator);

        Assert.Equal(43, token.Length);
        Assert.DoesNotContain(token, System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(StudyDatabase.PathIn(study)))
                                    + System.Text.Encoding.Latin1.GetString(File.Exists(StudyDatabase.PathIn(study) + "-wal") ? File.ReadAllBytes(StudyDatabase.PathIn(study) + "-wal") : []),
            StringComparison.Ordinal);
        using var connection = StudyDatabase.Open(study);
        var account = StudyAccounts.Authenticate(connection, token)!;
        Assert.Equal(("Ann Lee", StudyRole.Annotator), (account.Name, account.Role));
        Assert.Equal(StudyAccounts.Hash(token)[..StudyAccounts.StampLength], account.Stamp);
        Assert.Null(StudyAccounts.Authenticate(connection, token + "x"));
        Assert.Null(StudyAccounts.Authenticate(connection, ""));
        Assert.Equal(account, StudyAccounts.FromSession(connection, account.Id, account.Stamp));
        Assert.Null(StudyAccounts.FromSession(connection, account.Id, "0000000000000000"));
    }

    [Fact]
    public void Should_end_links_and_sessions_on_revoke_and_on_reissue()
    {
        using var f = new StudyFixture(1, ["fiction"], ["x"]);
        var study = f.Build();
        var token = StudyAccounts.Invite(study, "ann", StudyRole.Annotator);
        StudyAccount account;
        using (var connection = StudyDatabase.Open(study))
        {
            account = StudyAccounts.Authenticate(connection, token)!;
        }

        // Reissue: the old token and the old session stop working, the new token works
        var fresh = StudyAccounts.Invite(study, "ann", StudyRole.Annotator, reissue: true);
        using (var connection = StudyDatabase.Open(study))
        {
            Assert.Null(StudyAccounts.Authenticate(connection, token));
            Assert.Null(StudyAccounts.FromSession(connection, account.Id, account.Stamp));
            account = StudyAccounts.Authenticate(connection, fresh)!;
        }

        // Revoke: nothing works any more
        StudyAccounts.Revoke(study, "ann");
        using (var connection = StudyDatabase.Open(study))
        {
            Assert.Null(StudyAccounts.Authenticate(connection, fresh));
            Assert.Null(StudyAccounts.FromSession(connection, account.Id, account.Stamp));
            Assert.Equal([("ann", StudyRole.Annotator, true, 0L)], StudyAccounts.List(connection));
        }
    }

    [Fact]
    public void Should_refuse_bad_or_duplicate_names_and_unknown_revokes()
    {
        using var f = new StudyFixture(1, ["fiction"], ["x"]);
        var study = f.Build();
        StudyAccounts.Invite(study, "ann", StudyRole.Annotator);

        Assert.Equal("name: the study already has an account 'ann' (reissue its link to replace the token)",
            Assert.Throws<ArgumentException>(() => StudyAccounts.Invite(study, "ann", StudyRole.Annotator)).Message.Split(" (Parameter")[0]);
        Assert.StartsWith("name: 'ann' is an annotator account, not an admin one",
            Assert.Throws<ArgumentException>(() => StudyAccounts.Invite(study, "ann", StudyRole.Admin, reissue: true)).Message, StringComparison.Ordinal);
        foreach (var bad in new[] { "", " ann", "a\tb", new string('x', 65) })
        {
            Assert.StartsWith($"name: '{bad}' is not an account name", Assert.Throws<ArgumentException>(() => StudyAccounts.Invite(study, bad, StudyRole.Annotator)).Message,
                StringComparison.Ordinal);
        }

        Assert.StartsWith("name: the study has no account 'bob'", Assert.Throws<ArgumentException>(() => StudyAccounts.Revoke(study, "bob")).Message,
            StringComparison.Ordinal);
    }
}
