using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Hyperfit.Annotation;
using Hyperfit.HumanStudy;
using Microsoft.Data.Sqlite;

namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary>The annotation app over HTTP, in-process on a free loopback port: sign-in by link, the item page, votes,
/// refusals that store nothing, headers, logs, and the database faults (locked → 503, broken → 500).</summary>
public sealed class AnnotationServerTests : IDisposable
{
    private readonly WebStudy _study = new(contextsPerSet: 1);
    private readonly ConcurrentQueue<string> _log = new();

    public void Dispose() => _study.Dispose();

    [Fact]
    public async Task Should_SignIn_ByLink_AndTakeTheTokenOutOfTheAddressBar()
    {
        // Given an annotator's personal link
        var token = _study.Invite("alice");
        await using var server = await Start();
        using var client = new StudyClient(server.Url);

        // When it is opened
        using var login = await client.Login(token);
        var html = await login.Content.ReadAsStringAsync();

        // Then a session cookie is set (HttpOnly, SameSite=Strict, not Secure over plain http) and a same-site refresh
        // moves on to the annotation page, with no token anywhere in the answer
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"0;url=/annotate\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain(token, html, StringComparison.Ordinal);
        var session = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("hyperfit_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", session.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
        using var home = await client.Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.SeeOther, home.StatusCode);
        Assert.Equal("/annotate", home.Headers.Location?.OriginalString);
        var (status, page) = await client.Page("/annotate");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<strong id=\"account\">alice</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<span class=\"count\" id=\"done\">0 done</span>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_Refuse_UnknownAndRevokedLinks_WithoutData()
    {
        // Given a revoked account and a made-up token
        var token = _study.Invite("alice");
        StudyAccounts.Revoke(_study.Directory, "alice");
        await using var server = await Start();
        using var client = new StudyClient(server.Url);

        // When either link is opened, Then it is a 401 page with no session and no study data
        foreach (var link in new[] { token, "not-a-token", "" })
        {
            using var response = await client.Login(link);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("This link does not work", html, StringComparison.Ordinal);
            Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("hyperfit_session=", StringComparison.Ordinal)
                                                                                                               && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal)));
            AssertNoStudyData(html);
        }
    }

    [Fact]
    public async Task Should_ShowTheSameItemWithTheSameSides_OnReload_AndTheTextsOfTheShowing()
    {
        // Given a signed-in annotator with an open item
        await using var server = await Start();
        using var client = await SignedIn(server, "alice");
        var (_, first) = await client.Page("/annotate");
        var showing = client.Current.Showing!;

        // When the page is reloaded
        var (_, again) = await client.Page("/annotate");

        // Then it is the same showing with the same texts on the same sides, as the database has them
        Assert.Equal(showing, client.Current.Showing);
        Assert.Equal(StudyClient.Section(first, "first"), StudyClient.Section(again, "first"));
        Assert.Equal(StudyClient.Section(first, "second"), StudyClient.Section(again, "second"));
        var (item, modelFirst) = ShowingInDatabase(showing);
        Assert.Equal(ReadableText.Html(modelFirst ? item.Generated : item.Original, leadingEllipsis: true), StudyClient.Section(first, "first"));
        Assert.Equal(ReadableText.Html(modelFirst ? item.Original : item.Generated, leadingEllipsis: true), StudyClient.Section(first, "second"));
        Assert.Equal(ReadableText.Html(item.Context, trailingEllipsis: true), StudyClient.Section(first, "context"));
        Assert.Contains("<p>", StudyClient.Section(first, "first"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_StoreTheVote_WithThePreferenceOfTheSide_AndShowTheNextItem()
    {
        // Given an annotator's open item
        await using var server = await Start();
        using var client = await SignedIn(server, "alice");
        await client.Page("/annotate");
        var showing = client.Current.Showing!;
        var (_, modelFirst) = ShowingInDatabase(showing);

        // When "first is better" is posted
        using var vote = await client.Vote("first");

        // Then the answer redirects to the next item (post/redirect/get), one vote is stored with the preference that
        // follows from the side the model's text was on, and the count says 1 done
        Assert.Equal(HttpStatusCode.SeeOther, vote.StatusCode);
        Assert.Equal("/annotate", vote.Headers.Location?.OriginalString);
        var stored = Assert.Single(StudyDatabase.ReadVotes(_study.Directory));
        Assert.Equal(ScreenChoice.First, stored.Choice);
        Assert.Equal(modelFirst ? HumanPreference.Model : HumanPreference.Original, stored.Preference);
        var (_, next) = await client.Page("/annotate");
        Assert.NotEqual(showing, client.Current.Showing);
        Assert.Contains(">1 done<", next, StringComparison.Ordinal);
        Assert.Contains(_log, line => line.Contains("vote 1 by alice", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_Answer400AndStoreNothing_ForForeignItemsMalformedFormsAndUnknownChoices()
    {
        // Given two annotators, each with an open item
        await using var server = await Start();
        using var alice = await SignedIn(server, "alice");
        using var bob = await SignedIn(server, "bob");
        await alice.Page("/annotate");
        await bob.Page("/annotate");

        // When bob answers alice's item, or a form is malformed, forged or has an unknown choice
        var attempts = new (string What, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("another annotator's item", () => bob.Vote("first", showing: alice.Current.Showing)),
            ("an unknown showing", () => bob.Vote("first", showing: new string('a', 32))),
            ("an unknown choice", () => bob.Vote("model")),
            ("no choice", () => bob.Post("/vote", ("form_token", bob.Current.FormToken!), ("showing", bob.Current.Showing!))),
            ("two choices", () => bob.Post("/vote", ("form_token", bob.Current.FormToken!), ("showing", bob.Current.Showing!), ("choice", "first"), ("choice", "second"))),
            ("no showing", () => bob.Post("/vote", ("form_token", bob.Current.FormToken!), ("choice", "first"))),
            ("a malformed showing", () => bob.Vote("first", showing: "../../etc/passwd")),
            ("no anti-forgery token", () => bob.Post("/vote", ("showing", bob.Current.Showing!), ("choice", "first"))),
            ("alice's anti-forgery token", () => bob.Vote("first", formToken: alice.Current.FormToken)),
            ("a forged anti-forgery token", () => bob.Vote("first", formToken: "CfDJ8forged")),
            ("JSON instead of a form", async () =>
            {
                using var json = new StringContent("{\"showing\":\"x\",\"choice\":\"first\"}", System.Text.Encoding.UTF8, "application/json");
                return await bob.Http.PostAsync(new Uri("/vote", UriKind.Relative), json);
            }),
        };
        foreach (var (what, send) in attempts)
        {
            using var response = await send();

            // Then each is a 400 page and no vote exists
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
            Assert.Contains("Nothing was stored", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Empty(StudyDatabase.ReadVotes(_study.Directory));
        }

        // And the annotators' own items are still theirs
        await bob.Page("/annotate");
        using var own = await bob.Vote("equal");
        Assert.Equal(HttpStatusCode.SeeOther, own.StatusCode);
        Assert.Single(StudyDatabase.ReadVotes(_study.Directory));
    }

    [Fact]
    public async Task Should_NotShowAnnotators_WhichSideIsTheModelOrAnyDesignName()
    {
        // Given an annotator's pages through a whole queue
        await using var server = await Start();
        using var client = await SignedIn(server, "alice");
        for (var i = 0; i < 20; i++)
        {
            var (status, html) = await client.Page("/annotate");
            Assert.Equal(HttpStatusCode.OK, status);

            // Then no page names a comparison, model, context set or text role, and the form posts showing and choice only
            AssertNoStudyData(html);
            if (client.Current.Showing is null)
            {
                Assert.Contains("id=\"no-work\"", html, StringComparison.Ordinal);
                return;
            }

            var form = Regex.Match(html, "<form class=\"vote\".*?</form>", RegexOptions.Singleline).Value;
            var fields = Regex.Matches(form, "name=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().Order().ToList();
            Assert.Equal(["choice", "form_token", "showing"], fields);
            using var vote = await client.Vote(i % 2 == 0 ? "second" : "equal");
            Assert.Equal(HttpStatusCode.SeeOther, vote.StatusCode);
        }

        Assert.Fail("the queue of 8 items did not end");
    }

    [Fact]
    public async Task Should_SendSecurityHeaders_AndPagesWithoutInlineScriptOrStyle()
    {
        await using var server = await Start();
        using var client = await SignedIn(server, "alice");
        foreach (var path in new[] { "/annotate", "/", "/login?token=x", "/admin", "/nope" })
        {
            using var response = await client.Http.GetAsync(new Uri(path, UriKind.Relative));
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.True(response.Headers.CacheControl?.NoStore, path);
            Assert.False(response.Headers.Contains("Server"));
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
            Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_NeverLogTokens()
    {
        // Given a server whose log is captured, and sign-ins with good and bad tokens
        var token = _study.Invite("alice");
        await using var server = await Start();
        using var client = new StudyClient(server.Url);
        (await client.Login(token)).Dispose();
        (await client.Login("wrong-" + token)).Dispose();
        await client.Page("/annotate");
        (await client.Vote("first")).Dispose();

        // Then the log tells of the sign-in and the vote, never a token
        Assert.Contains(_log, line => line.Contains("alice signed in", StringComparison.Ordinal));
        Assert.DoesNotContain(_log, line => line.Contains(token, StringComparison.Ordinal) || line.Contains("token=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_EndSessions_WhenTheAccountIsRevokedOrItsLinkReissued()
    {
        await using var server = await Start();
        using var alice = await SignedIn(server, "alice");
        using var bob = await SignedIn(server, "bob");
        Assert.Equal(HttpStatusCode.OK, (await alice.Page("/annotate")).Status);

        StudyAccounts.Revoke(_study.Directory, "alice");
        StudyAccounts.Invite(_study.Directory, "bob", StudyRole.Annotator, reissue: true);

        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.Page("/annotate")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bob.Page("/annotate")).Status);
    }

    [Fact]
    public async Task Should_Answer503WithinTheBusyTimeout_WhenAnotherConnectionLocksTheDatabase()
    {
        // Given a signed-in annotator and another writer holding the database
        await using var server = await Start();
        using var client = await SignedIn(server, "alice");
        using var other = StudyDatabase.Open(_study.Directory);
        using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE; UPDATE study_meta SET value = value WHERE key = 'schema_version';";
            begin.ExecuteNonQuery();
        }

        // When the annotator asks for an item
        var clock = Stopwatch.StartNew();
        var (status, html) = await client.Page("/annotate");
        clock.Stop();

        // Then a 503 page says so after the busy timeout (not a hang, not a 500)
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("The study is busy", html, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < StudyDatabase.BusyTimeout * 3, $"answered after {clock.Elapsed}");
        Assert.Contains(_log, line => line.StartsWith("busy:", StringComparison.Ordinal));

        // And once the other writer is done, the same request works
        using (var commit = other.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            commit.ExecuteNonQuery();
        }

        Assert.Equal(HttpStatusCode.OK, (await client.Page("/annotate")).Status);
    }

    [Fact]
    public async Task Should_Answer500WithoutDetails_WhenTheDatabaseIsBroken()
    {
        // Given a signed-in annotator and a database whose items table vanished
        await using var server = await Start();
        using var client = await SignedIn(server, "alice");
        using (var other = StudyDatabase.Open(_study.Directory))
        using (var drop = other.CreateCommand())
        {
            drop.CommandText = "PRAGMA foreign_keys = OFF; DROP TABLE items;";
            drop.ExecuteNonQuery();
        }

        // When the annotator asks for an item, Then the page says something went wrong, with no exception details
        var (status, html) = await client.Page("/annotate");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        foreach (var detail in new[] { "Exception", "Sqlite", "items", " at ", ".cs:", "study.db" })
        {
            Assert.DoesNotContain(detail, html, StringComparison.Ordinal);
        }

        Assert.Contains(_log, line => line.StartsWith("error: GET /annotate", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task Should_MarkCookiesSecure_FromAProxysHttps_OnlyWhenToldItIsBehindOne(bool behindProxy, bool secure)
    {
        // Given a server with or without --behind-proxy, and a sign-in that a loopback proxy forwarded from https
        var token = _study.Invite("alice");
        await using var server = await AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Port = 0, BehindProxy = behindProxy });
        using var client = new StudyClient(server.Url);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"login?token={Uri.EscapeDataString(token)}", UriKind.Relative));
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        // When it is answered, Then the session cookie is Secure exactly when the forwarded scheme is believed
        using var response = await client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("hyperfit_session=", StringComparison.Ordinal));
        Assert.Equal(secure, session.Split(';').Any(part => part.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Should_Answer404And405_WithPages()
    {
        await using var server = await Start();
        using var client = new StudyClient(server.Url);
        using var missing = await client.Http.GetAsync(new Uri("/nope", UriKind.Relative));
        using var wrongMethod = await client.Http.GetAsync(new Uri("/vote", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Not found", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("Not allowed", await wrongMethod.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ShowAdminsProgressAndExportEveryVote()
    {
        // Given two votes and an admin
        await using var server = await Start();
        using var alice = await SignedIn(server, "alice");
        for (var i = 0; i < 2; i++)
        {
            await alice.Page("/annotate");
            (await alice.Vote("second")).Dispose();
        }

        using var admin = await SignedIn(server, "carol", StudyRole.Admin);

        // When the admin opens the progress page and the exports
        var (status, html) = await admin.Page("/admin");
        using var csv = await admin.Http.GetAsync(new Uri("/admin/export.csv", UriKind.Relative));
        using var jsonl = await admin.Http.GetAsync(new Uri("/admin/export.jsonl", UriKind.Relative));

        // Then the page shows the design's names and counts, and both exports hold the two votes
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var name in WebStudy.Comparisons.Concat(WebStudy.ContextSets))
        {
            Assert.Contains(name, html, StringComparison.Ordinal);
        }

        Assert.Matches("<td>alice</td><td><span class=\"tag\">annotator</span></td><td>active</td><td class=\"num\">2</td>", html);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", csv.Content.Headers.ContentDisposition?.DispositionType);
        var rows = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', StudyExport.Columns), rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.Equal(2, (await jsonl.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Should_RefuseBadOptions_WithOneLineNamingTheField()
    {
        var host = await Assert.ThrowsAsync<ArgumentException>(() => AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Host = "example.org" }));
        Assert.StartsWith("host: 'example.org' is not an IP address", host.Message, StringComparison.Ordinal);
        var port = await Assert.ThrowsAsync<ArgumentException>(() => AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Port = 70000 }));
        Assert.StartsWith("port: 70000 is not a TCP port", port.Message, StringComparison.Ordinal);
        var folder = await Assert.ThrowsAsync<InvalidDataException>(() => AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Root, Port = 0 }));
        Assert.Contains("not a study folder", folder.Message, StringComparison.Ordinal);
        await using var first = await Start();
        var taken = await Assert.ThrowsAsync<IOException>(() => AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Port = first.Url.Port }));
        Assert.StartsWith($"port: cannot listen on 127.0.0.1:{first.Url.Port}", taken.Message, StringComparison.Ordinal);
    }

    /// <summary>What an annotator must never see: the design's labels and the words that tell the texts apart.</summary>
    internal static void AssertNoStudyData(string html)
    {
        foreach (var secret in WebStudy.Comparisons.Concat(WebStudy.ContextSets).Concat(["model", "generated", "original", "vote_id", "hyperfit_session"]))
        {
            Assert.DoesNotContain(secret, html, StringComparison.OrdinalIgnoreCase);
        }
    }

    private Task<RunningAnnotationServer> Start() =>
        AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Port = 0, Log = _log.Enqueue });

    private async Task<StudyClient> SignedIn(RunningAnnotationServer server, string name, StudyRole role = StudyRole.Annotator)
    {
        var client = new StudyClient(server.Url);
        using var login = await client.Login(_study.Invite(name, role));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return client;
    }

    private (StudyItem Item, bool ModelFirst) ShowingInDatabase(string showing)
    {
        using var connection = StudyDatabase.Open(_study.Directory);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT item_id, model_first FROM showings WHERE public_id = $p";
        command.Parameters.AddWithValue("$p", showing);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var id = reader.GetInt64(0);
        return (StudyDatabase.ReadItems(_study.Directory).Single(i => i.Id == id), reader.GetInt64(1) == 1);
    }
}
