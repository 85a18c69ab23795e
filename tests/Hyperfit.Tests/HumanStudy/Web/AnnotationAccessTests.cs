using System.Net;
using Hyperfit.Annotation;
using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary>
/// Every route × every kind of caller (no session, the annotator, another annotator, an admin, a revoked account) →
/// the expected status, and no answer shows a caller what is not theirs: another annotator's item, the design's
/// names, the export.
/// </summary>
public sealed class AnnotationAccessTests : IDisposable
{
    private readonly WebStudy _study = new(contextsPerSet: 1);

    public enum Caller
    {
        None,
        Annotator,
        OtherAnnotator,
        Admin,
        Revoked,
    }

    public void Dispose() => _study.Dispose();

    [Fact]
    public async Task Should_GiveEachCallerTheExpectedStatus_OnEveryRoute_AndLeakNothing()
    {
        // Given alice with an open item, bob with another, an admin, and dave who was signed in and then revoked
        var tokens = new Dictionary<Caller, string>
        {
            [Caller.Annotator] = _study.Invite("alice"),
            [Caller.OtherAnnotator] = _study.Invite("bob"),
            [Caller.Admin] = _study.Invite("carol", StudyRole.Admin),
            [Caller.Revoked] = _study.Invite("dave"),
        };
        await using var server = await AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Port = 0 });
        using var alice = await Client(server, tokens[Caller.Annotator], "/annotate");
        using var bob = await Client(server, tokens[Caller.OtherAnnotator], "/annotate");
        using var dave = await Client(server, tokens[Caller.Revoked], "/annotate");
        StudyAccounts.Revoke(_study.Directory, "dave");
        var aliceShowing = alice.Current.Showing!;
        var aliceText = StudyClient.Section(alice.Current.Html, "first")!;
        var bobShowing = bob.Current.Showing!;
        var bobText = StudyClient.Section(bob.Current.Html, "first")!;

        // route → expected status for None, Annotator, OtherAnnotator, Admin, Revoked
        var routes = new (string Name, int[] Expected, Func<StudyClient, Task<HttpResponseMessage>> Send)[]
        {
            ("GET /", [401, 303, 303, 303, 401], c => Get(c, "/")),
            ("GET /annotate", [401, 200, 200, 403, 401], c => Get(c, "/annotate")),
            ("POST /vote (alice's item)", [401, 303, 400, 403, 401], c => c.Vote("equal", showing: aliceShowing, formToken: c.Current.FormToken ?? "none")),
            ("POST /logout", [400, 200, 200, 200, 400], c => c.Post("/logout", ("form_token", c.Current.FormToken ?? "none"))),
            ("GET /admin", [401, 403, 403, 200, 401], c => Get(c, "/admin")),
            ("GET /admin/export.csv", [401, 403, 403, 200, 401], c => Get(c, "/admin/export.csv")),
            ("GET /admin/export.jsonl", [401, 403, 403, 200, 401], c => Get(c, "/admin/export.jsonl")),
            ("GET /login (bad token)", [401, 401, 401, 401, 401], c => c.Login("bad-token")),
            ("GET /login (revoked token)", [401, 401, 401, 401, 401], c => c.Login(tokens[Caller.Revoked])),
            ("GET /static/app.css", [200, 200, 200, 200, 200], c => Get(c, StaticAssets.StylePath)),
            ("GET /static/annotate.js", [200, 200, 200, 200, 200], c => Get(c, StaticAssets.ScriptPath)),
            ("GET /nope", [404, 404, 404, 404, 404], c => Get(c, "/nope")),
            ("DELETE /vote", [405, 405, 405, 405, 405], c => c.Http.DeleteAsync(new Uri("/vote", UriKind.Relative))),
        };

        foreach (var (name, expected, send) in routes)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                // When the caller sends the request (signed-in callers with a fresh session of their own, so a
                // logout or a vote does not change the next cell; the revoked caller with dave's old session)
                using var client = caller switch
                {
                    Caller.None => new StudyClient(server.Url),
                    Caller.Revoked => null,
                    Caller.Admin => await Client(server, tokens[caller], "/admin"),
                    _ => await Client(server, tokens[caller], "/annotate"),
                };
                using var response = await send(client ?? dave);
                var body = await response.Content.ReadAsStringAsync();

                // Then the status is the expected one
                Assert.True(expected[(int)caller] == (int)response.StatusCode, $"{name} as {caller}: expected {expected[(int)caller]}, got {(int)response.StatusCode}");

                // And nothing leaks: the design's names and the export only to the admin, an item's text only to its annotator
                if (caller != Caller.Admin)
                {
                    AnnotationServerTests.AssertNoStudyData(body);
                    Assert.DoesNotContain(string.Join(',', StudyExport.Columns.Take(3)), body, StringComparison.Ordinal);
                }

                // (two annotators may be shown the same item: its showing, the form's key, is what is personal)
                if (caller is not (Caller.Annotator or Caller.OtherAnnotator))
                {
                    Assert.DoesNotContain(aliceText, body, StringComparison.Ordinal);
                    Assert.DoesNotContain(bobText, body, StringComparison.Ordinal);
                }

                if (caller != Caller.Annotator)
                {
                    Assert.DoesNotContain(aliceShowing, body, StringComparison.Ordinal);
                }

                if (caller != Caller.OtherAnnotator)
                {
                    Assert.DoesNotContain(bobShowing, body, StringComparison.Ordinal);
                }

                if (caller is Caller.Annotator or Caller.OtherAnnotator)
                {
                    Assert.DoesNotContain(caller == Caller.Annotator ? "bob" : "alice", body, StringComparison.Ordinal);
                    Assert.DoesNotContain("carol", body, StringComparison.Ordinal);
                }
            }
        }

        // And exactly one vote was stored: alice's own, on her item (the 303 cell)
        var vote = Assert.Single(StudyDatabase.ReadVotes(_study.Directory));
        Assert.Equal("alice", vote.Annotator);
    }

    private static Task<HttpResponseMessage> Get(StudyClient client, string path) => client.Http.GetAsync(new Uri(path, UriKind.Relative));

    /// <summary>A client signed in with the token that has read <paramref name="page"/> (its form token).</summary>
    private static async Task<StudyClient> Client(RunningAnnotationServer server, string token, string page)
    {
        var client = new StudyClient(server.Url);
        (await client.Login(token)).Dispose();
        var (status, _) = await client.Page(page);
        Assert.Equal(HttpStatusCode.OK, status);
        return client;
    }
}
