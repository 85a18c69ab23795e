using System.Globalization;
using System.Text;
using Hyperfit.HumanStudy;

namespace Hyperfit.Annotation;

/// <summary>
/// The HTML of every page, rendered on the server. Every text that comes from the study or a request goes through
/// <see cref="HtmlText.Encode"/>. The annotator's page carries the context, the two texts in their shown order, the
/// showing id and the anti-forgery token, and nothing else: no item id, no comparison or model name, no side of the model.
/// </summary>
internal static class AnnotationPages
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Anti-forgery form field (name and value) a page's forms carry.</summary>
    internal sealed record FormToken(string FieldName, string Value)
    {
        public string Input => $"<input type=\"hidden\" name=\"{HtmlText.Encode(FieldName)}\" value=\"{HtmlText.Encode(Value)}\">";
    }

    /// <summary>The signed-in account shown in the header bar.</summary>
    internal sealed record Signed(string Name, long? Done, FormToken Token);

    /// <summary>§4 / Appendix A, Figure 8: the context, then the two continuations side by side, three answers.</summary>
    public static string Annotate(Signed who, StudyShowing showing)
    {
        var body = new StringBuilder();
        body.Append("<p class=\"task\"><strong>Which continuation of the text is better?</strong> Read the beginning, then both continuations. ")
            .Append("Judge them as texts a person could have written next: fluent, coherent, and following on from the beginning. ")
            .Append("If neither is better, choose “Equally good”.</p>");
        body.Append("<section class=\"card context\" aria-labelledby=\"context-label\"><h2 class=\"label\" id=\"context-label\">Beginning of the text</h2>")
            .Append("<div class=\"text\" id=\"context\">").Append(ReadableText.Html(showing.Item.Context, trailingEllipsis: true)).Append("</div></section>");
        body.Append("<div class=\"pair\">")
            .Append("<section class=\"card\" aria-labelledby=\"first-label\"><h2 class=\"label\" id=\"first-label\">First continuation</h2>")
            .Append("<div class=\"text\" id=\"first\">").Append(ReadableText.Html(showing.FirstText, leadingEllipsis: true)).Append("</div></section>")
            .Append("<section class=\"card\" aria-labelledby=\"second-label\"><h2 class=\"label\" id=\"second-label\">Second continuation</h2>")
            .Append("<div class=\"text\" id=\"second\">").Append(ReadableText.Html(showing.SecondText, leadingEllipsis: true)).Append("</div></section>")
            .Append("</div>");
        body.Append("<form class=\"vote\" id=\"vote-form\" method=\"post\" action=\"/vote\">")
            .Append(who.Token.Input)
            .Append("<input type=\"hidden\" name=\"showing\" value=\"").Append(HtmlText.Encode(showing.ShowingId)).Append("\">")
            .Append("<div class=\"choices\">")
            .Append("<button type=\"submit\" name=\"choice\" value=\"first\">First is better<kbd>1</kbd><kbd>←</kbd></button>")
            .Append("<button type=\"submit\" name=\"choice\" value=\"equal\">Equally good<kbd>3</kbd><kbd>E</kbd></button>")
            .Append("<button type=\"submit\" name=\"choice\" value=\"second\">Second is better<kbd>2</kbd><kbd>→</kbd></button>")
            .Append("</div>")
            .Append("<p class=\"hint\">Keyboard: <kbd>1</kbd> or <kbd>←</kbd> first, <kbd>2</kbd> or <kbd>→</kbd> second, <kbd>3</kbd> or <kbd>E</kbd> equally good. ")
            .Append("This item stays yours if you reload or come back later.</p>")
            .Append("</form>");
        return Layout("Annotate", who, body.ToString(), script: true);
    }

    /// <summary>The page when the stream has nothing left for this annotator.</summary>
    public static string NoWork(Signed who) => Layout("No items left", who, $"""
        <div class="notice" id="no-work">
          <h1>No items left for you</h1>
          <p>You have answered {Count(who.Done ?? 0)}. Thank you!</p>
          <p>Every remaining item either has its three answers or is being answered by someone else right now. An item that another
          annotator leaves unfinished comes back after a while, so you may find more later.</p>
          <p><a class="button secondary" href="/annotate">Check again</a></p>
        </div>
        """);

    /// <summary>The admin's page: progress per comparison × length × context set, accounts, export.</summary>
    public static string Admin(Signed who, string studyName, StudyProgress progress, IReadOnlyDictionary<string, string> models, DateTimeOffset now)
    {
        var body = new StringBuilder();
        body.Append("<h1 class=\"page\">Study <code>").Append(HtmlText.Encode(studyName)).Append("</code></h1>")
            .Append("<p class=\"sub\">Progress as of ").Append(HtmlText.Encode(now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv))).Append(" UTC · ")
            .Append("each item needs ").Append((progress.Items == 0 ? 3 : progress.VotesNeeded / progress.Items).ToString(Inv))
            .Append(" independent answers (§4).</p>");
        body.Append("<div class=\"stats\">")
            .Append(Stat("Votes", progress.Votes, progress.VotesNeeded, "needed"))
            .Append(Stat("Complete items", progress.Complete, progress.Items, "items"))
            .Append(Stat("Open holds", progress.Rows.Sum(r => r.OpenHolds), null, "items being answered now"))
            .Append(Stat("Annotators", progress.Accounts.Count(a => a.Role == StudyRole.Annotator && !a.Revoked), null, "active accounts"))
            .Append("</div>");

        body.Append("<h2>Export</h2><div class=\"exports\">")
            .Append("<a class=\"button\" id=\"export-csv\" href=\"/admin/export.csv\" download>Download CSV</a>")
            .Append("<a class=\"button secondary\" id=\"export-jsonl\" href=\"/admin/export.jsonl\" download>Download JSONL</a>")
            .Append("<span class=\"note\">One row per vote, with the side the model’s text was shown on. ")
            .Append("Statistics: <code>hyperfit annotate report</code>.</span></div>");

        body.Append("<h2>Progress by comparison, length and context set</h2><table id=\"progress\"><thead><tr>")
            .Append("<th>Comparison</th><th>Model</th><th class=\"num\">Length</th><th>Context set</th><th class=\"num\">Items</th>")
            .Append("<th>Votes</th><th class=\"num\">Complete items</th><th class=\"num\">Open holds</th><th class=\"num\">Late votes</th></tr></thead><tbody>");
        var perItem = progress.Items == 0 ? 3 : progress.VotesNeeded / progress.Items;
        foreach (var row in progress.Rows)
        {
            body.Append("<tr><td>").Append(HtmlText.Encode(row.Comparison)).Append("</td><td>")
                .Append(HtmlText.Encode(models.GetValueOrDefault(row.Comparison, ""))).Append("</td><td class=\"num\">").Append(row.Length)
                .Append("</td><td>").Append(HtmlText.Encode(row.ContextSet)).Append("</td><td class=\"num\">").Append(row.Items)
                .Append("</td><td>").Append(Meter(row.Votes, row.Items * perItem)).Append(row.Votes).Append(" / ").Append(row.Items * perItem)
                .Append("</td><td class=\"num\">").Append(row.Complete).Append(" / ").Append(row.Items).Append("</td><td class=\"num\">").Append(row.OpenHolds)
                .Append("</td><td class=\"num\">").Append(row.LateVotes).Append("</td></tr>");
        }

        body.Append("</tbody></table>");

        body.Append("<h2>Accounts</h2><table id=\"accounts\"><thead><tr><th>Name</th><th>Role</th><th>Status</th><th class=\"num\">Votes</th></tr></thead><tbody>");
        foreach (var account in progress.Accounts)
        {
            var role = account.Role == StudyRole.Admin ? "<span class=\"tag admin\">admin</span>" : "<span class=\"tag\">annotator</span>";
            var status = account.Revoked ? "<span class=\"tag revoked\">revoked</span>" : "active";
            body.Append("<tr><td>").Append(HtmlText.Encode(account.Name)).Append("</td><td>").Append(role).Append("</td><td>").Append(status)
                .Append("</td><td class=\"num\">").Append(account.Votes).Append("</td></tr>");
        }

        body.Append("</tbody></table>");
        body.Append("<p class=\"sub\">Invite or revoke accounts with <code>hyperfit annotate invite</code> / <code>revoke</code>.</p>");
        return Layout("Study progress", who, body.ToString());
    }

    /// <summary>After a valid personal link: the session cookie is set; a same-site refresh (not a redirect, which a
    /// SameSite=Strict cookie would not follow from a link in a mail program) takes the token out of the address bar.</summary>
    public static string SignedIn(string name, string next) => Page("Signed in", $"""<meta http-equiv="refresh" content="0;url={HtmlText.Encode(next)}">""", null, $"""
        <div class="notice" id="signed-in">
          <h1>Welcome, {HtmlText.Encode(name)}</h1>
          <p>You are signed in on this browser. Keep your personal link private: it is your password.</p>
          <p><a class="button" href="{HtmlText.Encode(next)}">Continue</a></p>
        </div>
        """);

    public static string SignedOut() => Page("Signed out", "", null, """
        <div class="notice" id="signed-out">
          <h1>You are signed out</h1>
          <p>Open your personal link again to continue where you stopped.</p>
        </div>
        """);

    /// <summary>An error or refusal page: a status, a title and one plain sentence; never a stack trace or a datum.</summary>
    public static string Problem(int status, string title, string message) => Page(title, "", null, $"""
        <div class="notice error" id="problem">
          <h1>{HtmlText.Encode(title)}</h1>
          <p>{HtmlText.Encode(message)}</p>
          <p class="code">HTTP {status.ToString(Inv)}</p>
        </div>
        """);

    private static string Layout(string title, Signed who, string body, bool script = false)
    {
        var bar = new StringBuilder()
            .Append("<header class=\"bar\"><div class=\"inner\"><span class=\"brand\">Hyperfit<small>Text continuation study</small></span><span class=\"who\">");
        if (who.Done is { } done)
        {
            bar.Append("<span class=\"count\" id=\"done\">").Append(Count(done)).Append(" done</span>");
        }

        bar.Append("<span>Signed in as <strong id=\"account\">").Append(HtmlText.Encode(who.Name)).Append("</strong></span>")
            .Append("<form method=\"post\" action=\"/logout\">").Append(who.Token.Input).Append("<button class=\"link\" type=\"submit\" id=\"logout\">Sign out</button></form>")
            .Append("</span></div></header>");
        return Page(title, "", bar.ToString(), body, script);
    }

    private static string Page(string title, string head, string? bar, string body, bool script = false) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{HtmlText.Encode(title)} · Hyperfit study</title>
        <link rel="stylesheet" href="{StaticAssets.StylePath}">
        {head}
        </head>
        <body>
        {bar ?? "<header class=\"bar\"><div class=\"inner\"><span class=\"brand\">Hyperfit<small>Text continuation study</small></span></div></header>"}
        <main>
        {body}
        </main>
        {(script ? $"<script src=\"{StaticAssets.ScriptPath}\"></script>" : "")}
        </body>
        </html>
        """;

    private static string Count(long done) => done.ToString(Inv);

    private static string Stat(string label, int value, int? of, string unit) =>
        $"<div class=\"stat\"><div class=\"label\">{HtmlText.Encode(label)}</div><div class=\"value\">{value.ToString(Inv)}</div>"
        + $"<div class=\"of\">{(of is { } total ? $"of {total.ToString(Inv)} " : "")}{HtmlText.Encode(unit)}</div></div>";

    private static string Meter(int part, int whole)
    {
        var percent = whole == 0 ? 0 : 100.0 * part / whole;
        // The width is the meter's datum; an inline style attribute would need 'unsafe-inline' in the CSP, so it is a
        // <meter>-like SVG bar instead.
        return $"<svg class=\"meter\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{percent.ToString("F0", Inv)}%\">"
            + $"<rect width=\"100\" height=\"8\" fill=\"#f3f5f8\"/><rect width=\"{percent.ToString("F1", Inv)}\" height=\"8\" fill=\"#1f7a4d\"/></svg>";
    }
}
