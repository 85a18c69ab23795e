using System.Globalization;
using System.Security.Claims;
using Hyperfit.HumanStudy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace Hyperfit.Annotation;

/// <summary>
/// The session cookie of a signed-in account. It carries the account id and its <see cref="StudyAccount.Stamp"/>,
/// encrypted with the study's data-protection key ring (persisted in the study folder, so sessions survive a restart),
/// and is checked against the database on every request: a revoked account or a reissued link ends the session at once.
/// </summary>
internal static class StudySession
{
    public const string CookieName = "hyperfit_session";

    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private const string StampClaim = "hyperfit:stamp";

    private static readonly object AccountKey = new();

    public static ClaimsPrincipal Principal(StudyAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var identity = new ClaimsIdentity(
            [
                // The anti-forgery token is bound to this claim: stable across sessions and restarts of one account.
                new Claim(ClaimTypes.NameIdentifier, account.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, account.Name),
                new Claim(ClaimTypes.Role, account.Role == StudyRole.Admin ? "admin" : "annotator"),
                new Claim(StampClaim, account.Stamp),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return new ClaimsPrincipal(identity);
    }

    public static Task SignInAsync(HttpContext context, StudyAccount account)
    {
        context.Items[AccountKey] = account;
        return context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Principal(account),
            new AuthenticationProperties { IsPersistent = true });
    }

    /// <summary>The account of the request's valid session, or null.</summary>
    public static StudyAccount? Account(HttpContext context) => context.Items[AccountKey] as StudyAccount;

    /// <summary>Cookie validation: the session's account must still be live with the same token stamp.</summary>
    public static async Task Validate(CookieValidatePrincipalContext context, string studyDirectory)
    {
        var principal = context.Principal;
        var id = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var stamp = principal?.FindFirstValue(StampClaim);
        StudyAccount? account = null;
        if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var accountId))
        {
            using var connection = StudyDatabase.Open(studyDirectory);
            account = StudyAccounts.FromSession(connection, accountId, stamp);
        }

        if (account is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return;
        }

        context.HttpContext.Items[AccountKey] = account;
    }

    public static void Configure(CookieAuthenticationOptions options, string studyDirectory)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
        options.Cookie.Path = "/";
        options.ExpireTimeSpan = Lifetime;
        options.SlidingExpiration = true;
        options.Events.OnValidatePrincipal = context => Validate(context, studyDirectory);
        // Pages decide what an unauthenticated or unauthorised request sees; the handler never redirects.
        options.Events.OnRedirectToLogin = context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }
}
