using Hyperfit.IO;
using System.Globalization;
using System.Net;
using Hyperfit.HumanStudy;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hyperfit.Annotation;

/// <summary>
/// <c>hyperfit annotate serve</c>: the annotation interface of the paper's human study (Appendix A, Figure 8) as a
/// multi-user web app on Kestrel. Annotators sign in with a personal link and get a continuous stream of items (the
/// assignment protocol of <see cref="StudyAssignment"/>); admins see progress and export the votes.
/// </summary>
public static class AnnotationServer
{
    /// <summary>The path of a personal link (<c>/login?token=…</c>).</summary>
    public const string LoginPath = "/login";

    /// <summary>Folder of the study holding the data-protection key ring that encrypts session cookies and
    /// anti-forgery tokens, so a restarted server accepts both.</summary>
    public const string KeysFolder = "keys";

    /// <summary>The personal link of a token on a server reachable at <paramref name="baseUrl"/> (a path prefix is kept).</summary>
    public static Uri LoginLink(Uri baseUrl, string token)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentNullException.ThrowIfNull(token);
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        return new Uri(root, $"{LoginPath.TrimStart('/')}?token={Uri.EscapeDataString(token)}");
    }

    /// <summary>Starts the server; it runs until <see cref="RunningAnnotationServer.StopAsync"/>.</summary>
    /// <exception cref="ArgumentException">A bad host or port (field named).</exception>
    /// <exception cref="InvalidDataException">Not a study folder.</exception>
    /// <exception cref="IOException">The port is taken, or the database cannot be opened.</exception>
    public static async Task<RunningAnnotationServer> StartAsync(AnnotationServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = ParseHost(options.Host);
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"port: {options.Port} is not a TCP port (0–65535; 0 takes a free one)"), nameof(options));
        }

        var study = Path.GetFullPath(options.StudyDirectory);
        var assignment = new StudyAssignment(study, options.Hold, options.Clock); // opens the database: a bad folder fails here
        options = options with { StudyDirectory = study };
        var keys = Directory.CreateDirectory(Path.Combine(study, KeysFolder));
        if (!OperatingSystem.IsWindows())
        {
            keys.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        // The empty builder reads no configuration file and no ASPNETCORE_* variable: what the options say is what runs.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "Hyperfit.Annotation",
            EnvironmentName = "Production",
            ContentRootPath = study,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024; // the largest form is a vote
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging(logging =>
        {
            logging.ClearProviders();
            if (options.Log is { } log)
            {
                logging.AddProvider(new OperatorLogProvider(log));
            }
        });
        builder.Services.AddDataProtection().PersistKeysToFileSystem(keys).SetApplicationName("hyperfit-annotate");
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "hyperfit_form";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.FormFieldName = "form_token";
            antiforgery.SuppressXFrameOptionsHeader = true; // SecurityHeaders sends DENY on every response
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            form.ValueCountLimit = 16;
            form.KeyLengthLimit = 64;
            form.ValueLengthLimit = 4096;
            form.MultipartBodyLengthLimit = 16 * 1024;
        });
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie => StudySession.Configure(cookie, study));
        if (options.BehindProxy)
        {
            builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
            {
                // Default known proxies: loopback only. The proxy runs on this machine and forwards to 127.0.0.1.
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
                forwarded.ForwardLimit = 1;
            });
        }

        var gate = new StudyWriteGate();
        builder.Services.AddSingleton(gate);
        var app = builder.Build();
        if (options.BehindProxy)
        {
            app.UseForwardedHeaders();
        }

        app.Use(SecurityHeaders.Apply);
        app.Use((context, next) => Faults(context, next, options.Log));
        app.UseStatusCodePages(context => StatusPage(context.HttpContext));
        app.UseRouting();
        app.UseAuthentication();

        var endpoints = new AnnotationEndpoints(options, assignment, gate, app.Services.GetRequiredService<IAntiforgery>());
        app.MapGet("/", AnnotationEndpoints.Home);
        app.MapGet(LoginPath, endpoints.Login);
        app.MapGet("/annotate", endpoints.Annotate);
        app.MapPost("/vote", endpoints.Vote);
        app.MapPost("/logout", endpoints.Logout);
        app.MapGet("/admin", endpoints.Admin);
        app.MapGet("/admin/export.csv", context => endpoints.Export(context, csv: true));
        app.MapGet("/admin/export.jsonl", context => endpoints.Export(context, csv: false));
        app.MapGet(StaticAssets.StylePath, context => AnnotationEndpoints.Asset(context, "text/css; charset=utf-8", StaticAssets.Style));
        app.MapGet(StaticAssets.ScriptPath, context => AnnotationEndpoints.Asset(context, "text/javascript; charset=utf-8", StaticAssets.Script));
        app.MapGet("/favicon.ico", context =>
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });

        // Several servers (or invite/revoke) may share a study; a rebuild (exclusive) may not run while one serves.
        OutputLock folderLock;
        try
        {
            folderLock = OutputLock.AcquireShared(options.StudyDirectory, "hyperfit annotate serve");
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            gate.Dispose();
            throw;
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            gate.Dispose();
            folderLock.Dispose();
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"port: cannot listen on {options.Host}:{options.Port} ({e.Message.Split('\n')[0]}); choose another --port, or 0 for a free one"), e);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RunningAnnotationServer(app, new Uri(bound.EndsWith('/') ? bound : bound + "/"), gate, folderLock);
    }

    private static IPAddress ParseHost(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        _ when IPAddress.TryParse(host, out var address) => address,
        _ => throw new ArgumentException($"host: '{host}' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)", nameof(host)),
    };

    /// <summary>Maps what went wrong to a page: a database held by another process is a 503 (try again), anything
    /// unexpected a 500 without details; the operator's log gets one line.</summary>
    private static async Task Faults(HttpContext context, RequestDelegate next, Action<string>? log)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The browser went away; nothing to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var busy = e is StudyBusyException
                       || e is SqliteException { SqliteErrorCode: 5 or 6 }
                       || e is IOException { InnerException: SqliteException { SqliteErrorCode: 5 or 6 } };
            var badRequest = e as BadHttpRequestException;
            log?.Invoke(busy
                ? $"busy: {context.Request.Method} {context.Request.Path}: the study database is locked by another process"
                : $"error: {context.Request.Method} {context.Request.Path}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            context.Response.Clear();
            SecurityHeaders.Set(context.Response);
            if (busy)
            {
                context.Response.Headers.RetryAfter = "5";
                await AnnotationEndpoints.Page(context, StatusCodes.Status503ServiceUnavailable, AnnotationPages.Problem(503, "The study is busy",
                    "The study's database is in use by another program. Nothing was stored; please try again in a few seconds.")).ConfigureAwait(false);
            }
            else if (badRequest is not null)
            {
                await AnnotationEndpoints.Page(context, badRequest.StatusCode, AnnotationPages.Problem(badRequest.StatusCode, "Bad request",
                    "The request could not be read. Nothing was stored.")).ConfigureAwait(false);
            }
            else
            {
                await AnnotationEndpoints.Page(context, StatusCodes.Status500InternalServerError, AnnotationPages.Problem(500, "Something went wrong",
                    "The server could not answer this request. Your earlier answers are stored; please reload the page.")).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Pages for statuses that no route wrote a body for (unknown path, wrong method).</summary>
    private static Task StatusPage(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var (title, message) = status switch
        {
            404 => ("Not found", "There is no such page."),
            405 => ("Not allowed", "This page does not accept that kind of request."),
            _ => ("Request refused", "The request was refused."),
        };
        return AnnotationEndpoints.Page(context, status, AnnotationPages.Problem(status, title, message));
    }
}
