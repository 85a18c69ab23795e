using System.Collections.Concurrent;
using System.Net;
using Hyperfit.Annotation;
using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary>
/// The protocol under load (§4, Appendix A): many annotators at once on loopback, each asking for items and voting as
/// fast as the server answers, some of them submitting every vote twice in parallel. Bounded: fixed clients, a cap on
/// requests per client, one deadline for the whole run.
/// </summary>
public sealed class AnnotationConcurrencyTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(50);

    private readonly WebStudy _study = new(contextsPerSet: 5); // 2 comparisons × 2 sets × 5 = 20 pairs, × 2 lengths = 40 items

    public void Dispose() => _study.Dispose();

    [Fact]
    public async Task Should_GiveEveryItemExactlyThreeVotesFromThreeAnnotators_WithFiftyAnnotatorsAtOnce()
    {
        // Given 50 annotators, every fifth of whom double-submits each vote from two "tabs" at once
        const int annotators = 50;
        var tokens = Enumerable.Range(0, annotators).Select(i => _study.Invite($"annotator{i:00}")).ToList();
        await using var server = await AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Port = 0 });
        using var deadline = new CancellationTokenSource(Deadline);
        var acknowledged = new ConcurrentBag<(int Annotator, string Showing)>();
        var failures = new ConcurrentQueue<string>();

        // When they all work through the stream until it has nothing left for them
        async Task Work(int index)
        {
            using var client = new StudyClient(server.Url);
            using (var login = await client.Login(tokens[index]))
            {
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            }

            var random = new Random(index);
            for (var request = 0; request < 60 && !deadline.IsCancellationRequested; request++)
            {
                var (status, html) = await client.Page("/annotate");
                if (status != HttpStatusCode.OK)
                {
                    failures.Enqueue($"annotator {index}: GET /annotate {(int)status}");
                    return;
                }

                if (client.Current.Showing is not { } showing)
                {
                    Assert.Contains("id=\"no-work\"", html, StringComparison.Ordinal);
                    return;
                }

                var choice = random.Next(3) switch { 0 => "first", 1 => "second", _ => "equal" };
                var copies = index % 5 == 0 ? 2 : 1;
                var answers = await Task.WhenAll(Enumerable.Range(0, copies).Select(_ => client.Vote(choice)));
                foreach (var answer in answers)
                {
                    if (answer.StatusCode == HttpStatusCode.SeeOther)
                    {
                        acknowledged.Add((index, showing));
                    }
                    else
                    {
                        failures.Enqueue($"annotator {index}: POST /vote {(int)answer.StatusCode}");
                    }

                    answer.Dispose();
                }
            }

            failures.Enqueue($"annotator {index}: still had work after its request cap or the deadline");
        }

        await Task.WhenAll(Enumerable.Range(0, annotators).Select(i => Task.Run(() => Work(i))));

        // Then no request failed, and every item has exactly three votes from three different annotators
        Assert.Empty(failures);
        var votes = StudyDatabase.ReadVotes(_study.Directory);
        var items = StudyDatabase.ReadItems(_study.Directory);
        Assert.Equal(40, items.Count);
        Assert.Equal(items.Count * 3, votes.Count);
        foreach (var item in items)
        {
            var mine = votes.Where(v => v.ItemId == item.Id).ToList();
            Assert.Equal(3, mine.Count);
            Assert.Equal(3, mine.Select(v => v.Annotator).Distinct().Count());
        }

        // And every acknowledged vote is stored exactly once (0 lost, 0 duplicated)
        var stored = ShowingsWithVotes();
        Assert.Equal(votes.Count, stored.Count);
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var acknowledgedShowings = acknowledged.Select(a => a.Showing).Distinct().ToList();
        Assert.Equal(stored.Order(), acknowledgedShowings.Order());
        Assert.True(acknowledged.Count > acknowledgedShowings.Count, "the double submits were acknowledged too (as duplicates)");
    }

    [Fact]
    public async Task Should_StoreOneVote_WhenTheSameShowingIsSubmittedManyTimesInParallel()
    {
        // Given an annotator with an open item
        var token = _study.Invite("alice");
        await using var server = await AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Port = 0 });
        using var client = new StudyClient(server.Url);
        (await client.Login(token)).Dispose();
        await client.Page("/annotate");

        // When 12 submits of that showing race, with different answers (tabs, retries, a shaky connection)
        var choices = new[] { "first", "second", "equal" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => client.Vote(choices[i % 3]))));

        // Then all are acknowledged (stored or duplicate), and one vote exists
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.SeeOther, a.StatusCode));
        foreach (var answer in answers)
        {
            answer.Dispose();
        }

        var vote = Assert.Single(StudyDatabase.ReadVotes(_study.Directory));
        Assert.Equal("alice", vote.Annotator);
        Assert.Equal([client.Current.Showing!], ShowingsWithVotes());
    }

    private List<string> ShowingsWithVotes()
    {
        using var connection = StudyDatabase.Open(_study.Directory);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT s.public_id FROM votes v JOIN showings s ON s.id = v.showing_id";
        using var reader = command.ExecuteReader();
        var showings = new List<string>();
        while (reader.Read())
        {
            showings.Add(reader.GetString(0));
        }

        return showings;
    }
}
