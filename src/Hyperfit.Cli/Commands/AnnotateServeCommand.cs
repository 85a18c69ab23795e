using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Hyperfit.Annotation;
using Hyperfit.HumanStudy;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit annotate serve --study DIR</c>: runs the annotation web app (Appendix A) until Ctrl-C or
/// SIGTERM. Logic in <see cref="AnnotationServer"/>.</summary>
public static class AnnotateServeCommand
{
    public static Command Create()
    {
        var study = new Option<string>("--study") { Description = "study folder (made by 'hyperfit annotate build')", Required = true };
        var host = new Option<string>("--host") { Description = "IP address to listen on (loopback by default; use a TLS reverse proxy to reach annotators)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0 takes a free one)", DefaultValueFactory = _ => new Uri(AnnotateCommand.DefaultUrl).Port }; // the port invite's links assume
        var hold = new Option<double>("--hold-minutes")
        {
            Description = "how long an item stays reserved for the annotator it was shown to",
            DefaultValueFactory = _ => StudyAssignment.DefaultHold.TotalMinutes,
        };
        var proxy = new Option<bool>("--behind-proxy") { Description = "trust X-Forwarded-* headers from a reverse proxy on this machine" };
        var command = new Command("serve", "Serve the annotation web app of a study: annotators vote, admins follow progress and export.")
        {
            study, host, port, hold, proxy,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var minutes = parse.GetValue(hold);
            if (!(minutes > 0) || double.IsInfinity(minutes))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--hold-minutes: {minutes} must be a positive number of minutes"));
            }

            var options = new AnnotationServerOptions
            {
                StudyDirectory = parse.GetValue(study)!,
                Host = parse.GetValue(host)!,
                Port = parse.GetValue(port),
                Hold = TimeSpan.FromMinutes(minutes),
                BehindProxy = parse.GetValue(proxy),
                Log = line => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}"),
            };
            return Serve(options);
        }));
        return command;
    }

    private static int Serve(AnnotationServerOptions options)
    {
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true; // stop cleanly below instead of being torn down
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var server = AnnotationServer.StartAsync(options, stop.Token).GetAwaiter().GetResult();
        try
        {
            var assignment = new StudyAssignment(options.StudyDirectory, options.Hold);
            using (var connection = StudyDatabase.Open(options.StudyDirectory))
            {
                var progress = StudyProgress.Read(connection, assignment.AnnotationsPerItem, DateTimeOffset.UtcNow);
                Console.WriteLine($"Serving study {Path.GetFullPath(options.StudyDirectory)} at {server.Url}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {progress.Items} items, {progress.Votes} of {progress.VotesNeeded} votes, {progress.Complete} items complete; holds last {options.Hold.TotalMinutes:0.##} min"));
                var live = progress.Accounts.Where(a => !a.Revoked).ToList();
                Console.WriteLine(live.Count == 0
                    ? $"  no accounts yet: hyperfit annotate invite --study {options.StudyDirectory} --name NAME [--admin]"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"  {live.Count(a => a.Role == StudyRole.Annotator)} annotator and {live.Count(a => a.Role == StudyRole.Admin)} admin accounts sign in with their personal links ({server.Url}login?token=…)"));
            }

            if (!IPAddress.IsLoopback(IPAddress.Parse(server.Url.Host.Trim('[', ']'))) && !options.BehindProxy)
            {
                Console.WriteLine("  warning: plain HTTP on a public address; put a TLS reverse proxy in front and use --behind-proxy (docs/annotation-server.md)");
            }

            Console.WriteLine("Press Ctrl-C to stop.");
            stop.Token.WaitHandle.WaitOne();
            Console.WriteLine("Stopping…");
        }
        finally
        {
            server.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        using var final = StudyDatabase.Open(options.StudyDirectory);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Stopped. {StudyDatabase.CountVotes(final)} votes stored in {StudyDatabase.PathIn(options.StudyDirectory)}."));
        return 0;
    }
}
