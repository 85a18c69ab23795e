using System.Globalization;
using System.Text;
using Hyperfit.HumanStudy;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace Hyperfit.Annotation;

/// <summary>
/// The routes of the annotation app. Annotators see their own current item and their count, nothing else; admins see
/// progress, accounts and export. Every form carries an anti-forgery token; every refusal is a page with a status
/// (400 bad form or foreign item, 401 no valid session or link, 403 wrong role), and nothing is stored on a refusal.
/// </summary>
internal sealed class AnnotationEndpoints
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly AnnotationServerOptions _options;
    private readonly StudyAssignment _assignment;
    private readonly StudyWriteGate _gate;
    private readonly IAntiforgery _antiforgery;

    public AnnotationEndpoints(AnnotationServerOptions options, StudyAssignment assignment, StudyWriteGate gate, IAntiforgery antiforgery)
    {
        _options = options;
        _assignment = assignment;
        _gate = gate;
        _antiforgery = antiforgery;
    }

    /// <summary><c>GET /</c>: where a signed-in account belongs; the sign-in explanation otherwise.</summary>
    public static Task Home(HttpContext context) => StudySession.Account(context) switch
    {
        null => NotSignedIn(context),
        { Role: StudyRole.Admin } => Redirect(context, "/admin"),
        _ => Redirect(context, "/annotate"),
    };

    /// <summary><c>GET /login?token=…</c>: a personal link. Opens a session and leaves the token out of the address bar.</summary>
    public async Task Login(HttpContext context)
    {
        var tokens = context.Request.Query["token"];
        StudyAccount? account = null;
        if (tokens.Count == 1)
        {
            using var connection = StudyDatabase.Open(_options.StudyDirectory);
            account = StudyAccounts.Authenticate(connection, tokens[0]);
        }

        if (account is null)
        {
            if (StudySession.Account(context) is not null)
            {
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            }

            await Page(context, StatusCodes.Status401Unauthorized, AnnotationPages.Problem(401, "This link does not work",
                "The personal link is unknown or has been revoked. Ask the study's organisers for a new one.")).ConfigureAwait(false);
            return;
        }

        await StudySession.SignInAsync(context, account).ConfigureAwait(false);
        _options.Log?.Invoke($"{account.Name} signed in");
        await Page(context, StatusCodes.Status200OK,
            AnnotationPages.SignedIn(account.Name, account.Role == StudyRole.Admin ? "/admin" : "/annotate")).ConfigureAwait(false);
    }

    /// <summary><c>GET /annotate</c>: the annotator's open item (the same one, same sides, after a reload) or a new draw.</summary>
    public async Task Annotate(HttpContext context)
    {
        if (await Require(context, StudyRole.Annotator).ConfigureAwait(false) is not { } account)
        {
            return;
        }

        var showing = await _gate.Run(() => _assignment.Next(account), context.RequestAborted).ConfigureAwait(false);
        var who = new AnnotationPages.Signed(account.Name, _assignment.Done(account), FormToken(context));
        await Page(context, StatusCodes.Status200OK, showing is null ? AnnotationPages.NoWork(who) : AnnotationPages.Annotate(who, showing))
            .ConfigureAwait(false);
    }

    /// <summary><c>POST /vote</c> (showing, choice): stores the vote and shows the next item; a double submit stores one
    /// vote; another annotator's showing, an unknown choice or a malformed form is a 400 and stores nothing.</summary>
    public async Task Vote(HttpContext context)
    {
        if (await Require(context, StudyRole.Annotator).ConfigureAwait(false) is not { } account)
        {
            return;
        }

        if (await ReadForm(context).ConfigureAwait(false) is not { } form)
        {
            return;
        }

        var showing = form["showing"];
        var choices = form["choice"];
        if (showing.Count != 1 || !IsShowingId(showing[0]))
        {
            await BadRequest(context, "The form does not name the item it answers. Reload the page and answer again.").ConfigureAwait(false);
            return;
        }

        ScreenChoice? choice = choices.Count != 1 ? null : choices[0] switch
        {
            "first" => ScreenChoice.First,
            "second" => ScreenChoice.Second,
            "equal" => ScreenChoice.Equal,
            _ => null,
        };
        if (choice is null)
        {
            await BadRequest(context, "The answer must be one of: first is better, second is better, equally good.").ConfigureAwait(false);
            return;
        }

        var receipt = await _gate.Run(() => _assignment.Submit(account, showing[0]!, choice.Value), context.RequestAborted).ConfigureAwait(false);
        switch (receipt.Outcome)
        {
            case VoteOutcome.NotAssigned:
                await BadRequest(context, "This item is not assigned to you. Nothing was stored.").ConfigureAwait(false);
                return;
            case VoteOutcome.Stored or VoteOutcome.StoredLate:
                LogVote(account, receipt);
                break;
        }

        await Redirect(context, "/annotate").ConfigureAwait(false); // post/redirect/get: a reload does not resubmit
    }

    /// <summary><c>POST /logout</c>.</summary>
    public async Task Logout(HttpContext context)
    {
        if (await ReadForm(context).ConfigureAwait(false) is null)
        {
            return;
        }

        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        await Page(context, StatusCodes.Status200OK, AnnotationPages.SignedOut()).ConfigureAwait(false);
    }

    /// <summary><c>GET /admin</c>: progress per comparison × length × context set, accounts, export links.</summary>
    public async Task Admin(HttpContext context)
    {
        if (await Require(context, StudyRole.Admin).ConfigureAwait(false) is not { } account)
        {
            return;
        }

        var now = _options.Clock.GetUtcNow();
        StudyProgress progress;
        var models = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var connection = StudyDatabase.Open(_options.StudyDirectory))
        {
            progress = StudyProgress.Read(connection, _assignment.AnnotationsPerItem, now);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT comparison, MIN(model) FROM items GROUP BY comparison";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                models[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var who = new AnnotationPages.Signed(account.Name, null, FormToken(context));
        await Page(context, StatusCodes.Status200OK, AnnotationPages.Admin(who, StudyName, progress, models, now)).ConfigureAwait(false);
    }

    /// <summary><c>GET /admin/export.csv</c> and <c>.jsonl</c>: every vote, one row each (<see cref="StudyExport"/>).</summary>
    public async Task Export(HttpContext context, bool csv)
    {
        if (await Require(context, StudyRole.Admin).ConfigureAwait(false) is null)
        {
            return;
        }

        var votes = StudyDatabase.ReadVotes(_options.StudyDirectory);
        var text = csv ? StudyExport.Csv(votes) : StudyExport.Jsonl(votes);
        var extension = csv ? "csv" : "jsonl";
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{SafeFileName(StudyName)}-votes.{extension}\"";
        await context.Response.WriteAsync(text, Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The style sheet and the keyboard script.</summary>
    public static Task Asset(HttpContext context, string contentType, string text)
    {
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return context.Response.WriteAsync(text, Encoding.UTF8, context.RequestAborted);
    }

    public static Task Page(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html, Encoding.UTF8, context.RequestAborted);
    }

    private string StudyName => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(_options.StudyDirectory)));

    /// <summary>The account of a valid session with the role, or null after writing the 401/403 page.</summary>
    private static async Task<StudyAccount?> Require(HttpContext context, StudyRole role)
    {
        var account = StudySession.Account(context);
        if (account is null)
        {
            await NotSignedIn(context).ConfigureAwait(false);
            return null;
        }

        if (account.Role != role)
        {
            await Page(context, StatusCodes.Status403Forbidden, AnnotationPages.Problem(403, "Not for this account",
                role == StudyRole.Admin
                    ? "This page is for the study's organisers."
                    : "Admin accounts do not annotate; the study's answers come from annotator accounts.")).ConfigureAwait(false);
            return null;
        }

        return account;
    }

    /// <summary>The posted form after its anti-forgery check, or null after writing the 400 page.</summary>
    private async Task<IFormCollection?> ReadForm(HttpContext context)
    {
        try
        {
            if (!context.Request.HasFormContentType)
            {
                await BadRequest(context, "Expected a form.").ConfigureAwait(false);
                return null;
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            if (!await _antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                await BadRequest(context, "The form was not sent from this study's page, or it belongs to another sign-in. Reload the page and try again.")
                    .ConfigureAwait(false);
                return null;
            }

            return form;
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            await BadRequest(context, "The form could not be read.").ConfigureAwait(false);
            return null;
        }
    }

    private AnnotationPages.FormToken FormToken(HttpContext context)
    {
        var tokens = _antiforgery.GetAndStoreTokens(context);
        return new AnnotationPages.FormToken(tokens.FormFieldName, tokens.RequestToken!);
    }

    private void LogVote(StudyAccount account, VoteReceipt receipt)
    {
        if (_options.Log is not { } log)
        {
            return;
        }

        using var connection = StudyDatabase.Open(_options.StudyDirectory);
        var votes = StudyDatabase.CountVotes(connection);
        log(string.Create(Inv, $"vote {receipt.VoteId} by {account.Name}{(receipt.Outcome == VoteOutcome.StoredLate ? " (late: its hold had expired)" : "")}; {votes} votes stored"));
    }

    private static bool IsShowingId(string? text) => text is { Length: 32 } && text.All(char.IsAsciiHexDigitLower);

    private static Task NotSignedIn(HttpContext context) => Page(context, StatusCodes.Status401Unauthorized,
        AnnotationPages.Problem(401, "Please sign in", "Open the personal link you were sent to sign in to the study."));

    private static Task BadRequest(HttpContext context, string message) =>
        Page(context, StatusCodes.Status400BadRequest, AnnotationPages.Problem(400, "Nothing was stored", message));

    private static Task Redirect(HttpContext context, string path)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = path;
        return Task.CompletedTask;
    }

    private static string SafeFileName(string name)
    {
        var safe = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return safe.Length == 0 ? "study" : safe;
    }
}
