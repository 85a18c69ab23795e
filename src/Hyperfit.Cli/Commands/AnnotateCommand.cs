using System.CommandLine;
using System.Globalization;
using Hyperfit.HumanStudy;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit annotate build|invite|revoke|status|export|serve|report</c>: the human preference study of §4 /
/// Appendix A. Logic in <c>Hyperfit.HumanStudy</c>; see docs/human-study.md.</summary>
public static class AnnotateCommand
{
    /// <summary>The address <c>invite</c> puts into links unless told otherwise: <c>annotate serve</c>'s default.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5290";

    public static Command Create()
    {
        var command = new Command("annotate", "Human preference study (§4, Appendix A): build a study, invite annotators, serve the web app, export and report.");
        command.Add(Build());
        command.Add(Invite());
        command.Add(Revoke());
        command.Add(Status());
        command.Add(Export());
        command.Add(AnnotateServeCommand.Create());
        command.Add(Report());
        return command;
    }

    private static Option<string> Study(string description = "study folder (study.db, manifest.json)") =>
        new("--study", "-s") { Description = description, Required = true };

    private static Command Build()
    {
        var study = Study("study folder to create (refused when it already has votes)");
        var run = new Option<string?>("--run") { Description = "output folder of 'hyperfit run' or 'hyperfit demo' to take contexts, originals and generations from" };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "with explicit files: the model folder whose tokenizer made the ids" };
        var references = new Option<string[]>("--reference") { Description = "with explicit files: SET=FILE, contexts and original continuations (generation JSONL); repeatable", AllowMultipleArgumentsPerToken = false };
        var generations = new Option<string[]>("--generations") { Description = "with explicit files: LABEL=FILE, a model's continuations (generation JSONL); repeatable" };
        var comparisons = new Option<string?>("--comparisons") { Description = "comma-separated decoding labels to include (default: all but the §6.3 sweep)" };
        var sets = new Option<string?>("--context-sets") { Description = "comma-separated context sets to include (default: all)" };
        var seeds = new Option<string?>("--seeds") { Description = "comma-separated run seeds to include (default: the run's first seed)" };
        var lengths = new Option<string>("--lengths") { Description = "length scenarios: 128 (first 96 tokens), 256 (224 tokens)", DefaultValueFactory = _ => "128,256" };
        var contexts = new Option<int?>("--contexts") { Description = "at most this many contexts per set (the first ones)" };
        var seed = new Option<long>("--seed") { Description = "seed of the item draws and left/right coin flips", DefaultValueFactory = _ => 42 };
        var command = new Command("build", "Build a study folder from a run folder or from generation files.")
        {
            study, run, tokenizer, references, generations, comparisons, sets, seeds, lengths, contexts, seed,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var manifest = StudyBuilder.Build(new StudyBuildRequest
            {
                StudyDirectory = parse.GetValue(study)!,
                RunDirectory = parse.GetValue(run),
                TokenizerDirectory = parse.GetValue(tokenizer),
                References = Labelled(parse.GetValue(references), "--reference"),
                Generations = Labelled(parse.GetValue(generations), "--generations"),
                Comparisons = List(parse.GetValue(comparisons)),
                ContextSets = List(parse.GetValue(sets)),
                Seeds = [.. List(parse.GetValue(seeds)).Select(s => Number<long>(s, "--seeds"))],
                Lengths = [.. List(parse.GetValue(lengths)).Select(s => Number<int>(s, "--lengths"))],
                ContextsPerSet = parse.GetValue(contexts),
                AssignmentSeed = parse.GetValue(seed),
            });
            var study_ = parse.GetValue(study)!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"built {study_}: {manifest.Items} items ({manifest.Comparisons.Count} comparisons × {manifest.ContextSets.Count} context sets × lengths {string.Join("/", manifest.Lengths)}), {manifest.AnnotationsPerItem} annotations each"));
            Console.WriteLine($"next: hyperfit annotate invite --study {study_} --name NAME   (and --admin for yourself), then hyperfit annotate serve --study {study_}");
            return 0;
        }));
        return command;
    }

    private static Command Invite()
    {
        var study = Study();
        var name = new Option<string>("--name") { Description = "account name (shown on the admin page and in exports)", Required = true };
        var admin = new Option<bool>("--admin") { Description = "an admin account (progress, export) instead of an annotator" };
        var reissue = new Option<bool>("--reissue") { Description = "give an existing account a new link (the old one and its sessions stop working)" };
        var url = new Option<string>("--url") { Description = "the address annotators reach the server at (behind a reverse proxy: its public address)", DefaultValueFactory = _ => DefaultUrl };
        var command = new Command("invite", "Create an account and print its personal login link (shown once).") { study, name, admin, reissue, url };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var role = parse.GetValue(admin) ? StudyRole.Admin : StudyRole.Annotator;
            var token = StudyAccounts.Invite(parse.GetValue(study)!, parse.GetValue(name)!, role, parse.GetValue(reissue));
            Console.WriteLine($"{(role == StudyRole.Admin ? "admin" : "annotator")} '{parse.GetValue(name)}': {LoginLink(parse.GetValue(url)!, token)}");
            Console.WriteLine("the link is the account's password: send it privately; only its hash is stored, so it cannot be shown again (use --reissue)");
            return 0;
        }));
        return command;
    }

    /// <summary>The personal login link of a token at a server address.</summary>
    public static string LoginLink(string baseUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--url: '{baseUrl}' is not an http(s) address");
        }

        return $"{baseUrl.TrimEnd('/')}/login?token={Uri.EscapeDataString(token)}";
    }

    private static Command Revoke()
    {
        var study = Study();
        var name = new Option<string>("--name") { Description = "account to revoke (its votes stay)", Required = true };
        var command = new Command("revoke", "Revoke an account: its link and open sessions stop working at once.") { study, name };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            StudyAccounts.Revoke(parse.GetValue(study)!, parse.GetValue(name)!);
            Console.WriteLine($"revoked '{parse.GetValue(name)}'");
            return 0;
        }));
        return command;
    }

    private static Command Status()
    {
        var study = Study();
        var command = new Command("status", "Print the study's progress per comparison, length and context set, and per account.") { study };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var directory = parse.GetValue(study)!;
            var manifest = StudyManifest.Read(directory);
            StudyProgress progress;
            using (var connection = StudyDatabase.Open(directory))
            {
                progress = StudyProgress.Read(connection, manifest.AnnotationsPerItem, DateTimeOffset.UtcNow);
            }

            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{progress.Votes}/{progress.VotesNeeded} votes, {progress.Complete}/{progress.Items} items complete"));
            foreach (var r in progress.Rows)
            {
                Console.WriteLine(string.Create(inv,
                    $"  {r.Comparison,-24} {r.Length,3} {r.ContextSet,-12} {r.Complete,4}/{r.Items} complete, {r.Votes} votes, {r.OpenHolds} held, {r.LateVotes} late"));
            }

            foreach (var a in progress.Accounts)
            {
                Console.WriteLine(string.Create(inv, $"  {(a.Role == StudyRole.Admin ? "admin" : "annotator")} {a.Name}: {a.Votes} votes{(a.Revoked ? " (revoked)" : "")}"));
            }

            return 0;
        }));
        return command;
    }

    private static Command Export()
    {
        var study = Study();
        var output = new Option<string>("--out", "-o") { Description = "FILE.csv or FILE.jsonl: one row per vote", Required = true };
        var command = new Command("export", "Export every vote, one row each (CSV or JSONL by the file's extension).") { study, output };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var count = StudyExport.Write(parse.GetValue(study)!, parse.GetValue(output)!);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {count} votes to {parse.GetValue(output)}"));
            return 0;
        }));
        return command;
    }

    private static Command Report()
    {
        var study = Study();
        var output = new Option<string?>("--out", "-o") { Description = "report folder (default: STUDY/report): report.md, report.json, figure9-consensus-ttr.png" };
        var command = new Command("report", "The paper's Table 1 preference columns and Table 4 with confidence intervals, agreement, position bias and Figure 9 left.") { study, output };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var directory = parse.GetValue(study)!;
            var outDir = parse.GetValue(output) ?? Path.Combine(directory, "report");
            var report = HumanVotes.Load(directory).CreateReport();
            report.Write(outDir);
            Console.WriteLine($"wrote {Path.Combine(outDir, StudyReport.MarkdownFile)} and {StudyReport.JsonFile}");
            return 0;
        }));
        return command;
    }

    private static List<LabelledFile> Labelled(string[]? values, string flag) =>
    [
        .. (values ?? []).Select(v =>
        {
            var equals = v.IndexOf('=', StringComparison.Ordinal);
            return equals > 0 && equals < v.Length - 1
                ? new LabelledFile(v[..equals], v[(equals + 1)..])
                : throw new ArgumentException($"{flag}: expected LABEL=FILE, got '{v}'");
        }),
    ];

    private static List<string> List(string? text) =>
        text is null ? [] : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static T Number<T>(string text, string flag)
        where T : IParsable<T> =>
        T.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"{flag}: '{text}' is not a number");
}
