using System.Net;
using System.Text.RegularExpressions;

namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary>One browser-like client of the annotation app: its own cookie jar, no automatic redirects (tests see
/// every status), a bounded timeout. Reads the showing id and the form's anti-forgery token from the page.</summary>
internal sealed partial class StudyClient : IDisposable
{
    private readonly HttpClientHandler _handler;

    /// <param name="cookies">A jar to share with an earlier client (the same browser after a server restart); cookies
    /// of 127.0.0.1 go to every port.</param>
    public StudyClient(Uri baseUrl, CookieContainer? cookies = null)
    {
        _handler = new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false, UseProxy = false };
        Http = new HttpClient(_handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies => _handler.CookieContainer;

    /// <summary>The last annotation page read by <see cref="Page"/>.</summary>
    public (string? Showing, string? FormToken, string Html) Current { get; private set; }

    public async Task<HttpResponseMessage> Login(string token) => await Http.GetAsync(new Uri($"login?token={Uri.EscapeDataString(token)}", UriKind.Relative));

    /// <summary>GET a page; remembers its showing id and form token.</summary>
    public async Task<(HttpStatusCode Status, string Html)> Page(string path)
    {
        using var response = await Http.GetAsync(new Uri(path.TrimStart('/'), UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();
        Current = (ShowingOf(html), FormTokenOf(html), html);
        return (response.StatusCode, html);
    }

    public async Task<HttpResponseMessage> Post(string path, params (string Name, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await Http.PostAsync(new Uri(path.TrimStart('/'), UriKind.Relative), content);
    }

    /// <summary>Votes on the current page's showing.</summary>
    public Task<HttpResponseMessage> Vote(string choice, string? showing = null, string? formToken = null) =>
        Post("/vote", ("form_token", formToken ?? Current.FormToken!), ("showing", showing ?? Current.Showing!), ("choice", choice));

    public static string? ShowingOf(string html) => ShowingField().Match(html) is { Success: true } m ? m.Groups[1].Value : null;

    public static string? FormTokenOf(string html) => FormTokenField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    /// <summary>The inner HTML of the element with the id (the page's texts are plain &lt;p&gt; without nested divs).</summary>
    public static string? Section(string html, string id) =>
        Regex.Match(html, $"<div class=\"text\" id=\"{id}\">(.*?)</div>", RegexOptions.Singleline) is { Success: true } m ? m.Groups[1].Value : null;

    public void Dispose()
    {
        Http.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("name=\"showing\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex ShowingField();

    [GeneratedRegex("name=\"form_token\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenField();
}
