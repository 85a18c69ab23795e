using Hyperfit.Annotation;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.Checkpoints;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary>
/// Regenerates docs/images/annotate-annotator.png and annotate-admin.png from a real run, so the screenshots show the
/// shipped model's English rather than test text:
/// <code>./hyperfit demo --quick
/// HYPERFIT_DOCS_RUN=$PWD/demo-report-quick dotnet test tests/Hyperfit.Tests --filter AnnotationDocsScreenshots</code>
/// Skipped (with this reason shown) when HYPERFIT_DOCS_RUN is not set.
/// </summary>
public sealed class AnnotationDocsScreenshots
{
    [DocsRunFact]
    public async Task Should_WriteTheDocsScreenshots_FromARealRun()
    {
        var run = Environment.GetEnvironmentVariable(DocsRunFactAttribute.Variable)!;
        using var dir = new TempDirectory();
        var study = Path.Combine(dir.Path, "demo-study");
        StudyBuilder.Build(new StudyBuildRequest { StudyDirectory = study, RunDirectory = run });

        // A study under way: eight annotators have answered a few items each.
        var assignment = new StudyAssignment(study);
        var names = new[] { "annotator-01", "annotator-02", "annotator-03", "annotator-04", "annotator-05", "annotator-06", "annotator-07", "annotator-08" };
        var accounts = names.Select(n => Account(study, StudyAccounts.Invite(study, n, StudyRole.Annotator))).ToList();
        var random = new Random(3);
        for (var i = 0; i < 400; i++)
        {
            var account = accounts[random.Next(accounts.Count)];
            if (assignment.Next(account) is { } showing)
            {
                assignment.Submit(account, showing.ShowingId, (ScreenChoice)random.Next(3));
            }
        }

        // The annotator's open item: a hyperfitted greedy continuation against the original at 256 tokens (Figure 8's case).
        var token = StudyAccounts.Invite(study, "maria", StudyRole.Annotator);
        var maria = Account(study, token);
        for (var i = 0; i < 40; i++)
        {
            var showing = assignment.Next(maria)!;
            if (showing.Item is { Comparison: "hyperfitted_greedy", Length: 256 })
            {
                break;
            }

            assignment.Submit(maria, showing.ShowingId, (ScreenChoice)random.Next(3));
        }

        var admin = StudyAccounts.Invite(study, "organiser", StudyRole.Admin);
        var images = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "docs", "images")).FullName;
        await using var server = await AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = study, Port = 0 });
        await using var chromium = await DebianChromium.Launch();

        var page = await chromium.NewPage(1280, 900);
        await page.GotoAsync(server.LoginLink(token).AbsoluteUri);
        await Expect(page).ToHaveURLAsync(new Uri(server.Url, "annotate").AbsoluteUri);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(images, "annotate-annotator.png"), FullPage = true });

        var adminPage = await chromium.NewPage(1280, 900);
        await adminPage.GotoAsync(server.LoginLink(admin).AbsoluteUri);
        await Expect(adminPage).ToHaveURLAsync(new Uri(server.Url, "admin").AbsoluteUri);
        await adminPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(images, "annotate-admin.png"), FullPage = true });
    }

    private static StudyAccount Account(string study, string token)
    {
        using var connection = StudyDatabase.Open(study);
        return StudyAccounts.Authenticate(connection, token)!;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hyperfit.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("no Hyperfit.slnx above the test output");
    }
}
