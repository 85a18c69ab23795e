using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.Training;

namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary>
/// The real <c>hyperfit annotate serve</c> process killed with SIGKILL while annotators vote, then started again on
/// the same study: every acknowledged vote is there, an open item comes back to its annotator, and the old session
/// cookie and anti-forgery token still work (the key ring lives in the study folder). SIGTERM stops it cleanly.
/// </summary>
public sealed partial class AnnotationKillTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly WebStudy _study = new(contextsPerSet: 5);

    public void Dispose() => _study.Dispose();

    [LinuxFact]
    public async Task Should_KeepEveryAcknowledgedVote_AndOpenItemsAndSessions_WhenKilledAndRestarted()
    {
        // Given the server process, four annotators voting in a loop, and dora who opened an item and has not answered
        var voters = Enumerable.Range(0, 4).Select(i => _study.Invite($"voter{i}")).ToList();
        var doraToken = _study.Invite("dora");
        using var first = Server.Start(_study.Directory);
        var url = await first.Url;
        var cookies = new CookieContainer();
        string doraShowing, doraForm, doraFirst;
        using (var dora = new StudyClient(url, cookies))
        {
            (await dora.Login(doraToken)).Dispose();
            var (_, html) = await dora.Page("/annotate");
            (doraShowing, doraForm, doraFirst) = (dora.Current.Showing!, dora.Current.FormToken!, StudyClient.Section(html, "first")!);
        }

        var acknowledged = new ConcurrentBag<string>();
        using var stopVoting = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        async Task Vote(string token)
        {
            using var client = new StudyClient(url);
            (await client.Login(token)).Dispose();
            while (!stopVoting.IsCancellationRequested)
            {
                try
                {
                    await client.Page("/annotate");
                    if (client.Current.Showing is not { } showing)
                    {
                        return;
                    }

                    using var answer = await client.Vote("first");
                    if (answer.StatusCode == HttpStatusCode.SeeOther)
                    {
                        acknowledged.Add(showing);
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the server is gone
                }
            }
        }

        var voting = voters.Select(t => Task.Run(() => Vote(t))).ToList();

        // When the process is killed with SIGKILL in the middle of the voting
        var waited = Stopwatch.StartNew();
        while (acknowledged.Count < 12 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        Assert.True(acknowledged.Count >= 12, $"only {acknowledged.Count} votes acknowledged before the kill");
        first.Process.Kill(); // SIGKILL on Unix
        Assert.True(first.Process.WaitForExit(10_000));
        await Task.WhenAll(voting).WaitAsync(TimeSpan.FromSeconds(40));
        Assert.NotEqual(0, first.Process.ExitCode);

        // Then after a restart every acknowledged vote is stored
        using var second = Server.Start(_study.Directory);
        var secondUrl = await second.Url;
        var stored = ShowingsWithVotes();
        Assert.All(acknowledged, showing => Assert.Contains(showing, stored));
        Assert.Equal(stored.Count, StudyDatabase.ReadVotes(_study.Directory).Count);

        // And dora's old cookie shows her the same open item, and her old form (token from before the kill) is accepted
        using (var dora = new StudyClient(secondUrl, cookies))
        {
            var (status, html) = await dora.Page("/annotate");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(doraShowing, dora.Current.Showing);
            Assert.Equal(doraFirst, StudyClient.Section(html, "first"));
            using var answer = await dora.Vote("second", doraShowing, doraForm);
            Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        }

        Assert.Contains(doraShowing, ShowingsWithVotes());

        // And SIGTERM stops the server cleanly, saying how many votes are stored
        using (var term = Process.Start("kill", ["-TERM", second.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.True(second.Process.WaitForExit(15_000), "the server did not stop on SIGTERM");
        second.Process.WaitForExit(); // flush the output events
        Assert.Equal(0, second.Process.ExitCode);
        Assert.Contains(second.Output, line => line.StartsWith($"Stopped. {stored.Count + 1} votes stored", StringComparison.Ordinal));
        Assert.DoesNotContain(second.Output.Concat(first.Output), line => line.Contains(doraToken, StringComparison.Ordinal));
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

    /// <summary><c>dotnet Hyperfit.Cli.dll annotate serve --study DIR --port 0</c>, its output collected, its URL read
    /// from the "Serving study … at URL" line.</summary>
    private sealed partial class Server : IDisposable
    {
        private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<string> _output = new();

        private Server(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Line(e.Data);
            process.ErrorDataReceived += (_, e) => Line(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => _url.TrySetException(new InvalidOperationException($"the server exited: {string.Join(" | ", _output)}"));
        }

        public Process Process { get; }

        public IReadOnlyCollection<string> Output => _output;

        public Task<Uri> Url => _url.Task.WaitAsync(StartTimeout);

        public static Server Start(string study) => new(CliTrainingFixture.Start("annotate", "serve", "--study", study, "--port", "0"));

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(10_000);
            }

            Process.Dispose();
        }

        private void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            _output.Enqueue(line);
            if (ServingLine().Match(line) is { Success: true } match)
            {
                _url.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        [GeneratedRegex(@"^Serving study .* at (http://\S+)$")]
        private static partial Regex ServingLine();
    }
}
