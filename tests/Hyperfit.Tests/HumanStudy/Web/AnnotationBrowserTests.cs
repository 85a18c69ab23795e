using Hyperfit.Annotation;
using Hyperfit.HumanStudy;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hyperfit.Tests.HumanStudy.Web;

/// <summary>
/// The app in a real browser (Debian's chromium through Playwright), served in-process on a free loopback port: an
/// annotator signs in by link, votes with the mouse and the keyboard, reloads mid-item and finishes the queue; an
/// admin downloads the CSV export. Screenshots go to the test output's screenshots/ folder.
/// </summary>
public sealed class AnnotationBrowserTests : IDisposable
{
    private readonly WebStudy _study = new(contextsPerSet: 1); // 8 items

    public static string Screenshots => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public void Dispose() => _study.Dispose();

    [Fact]
    public async Task Should_LetAnAnnotatorSignInVoteByMouseAndKeyboardReloadAndFinishTheQueue()
    {
        // Given an annotator's personal link
        var token = _study.Invite("alice");
        await using var server = await AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Port = 0 });
        await using var chromium = await DebianChromium.Launch();
        var page = await chromium.NewPage();

        // When it is opened, Then the annotation page shows the first item and the token has left the address bar
        await page.GotoAsync(server.LoginLink(token).AbsoluteUri);
        await Expect(page).ToHaveURLAsync(new Uri(server.Url, "annotate").AbsoluteUri); // polls: the refresh may come before or after load
        Assert.DoesNotContain("token", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#done")).ToHaveTextAsync("0 done");
        await Expect(page.Locator("#account")).ToHaveTextAsync("alice");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "First is better" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Second is better" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Equally good" })).ToBeVisibleAsync();
        var showing = await page.Locator("input[name=showing]").InputValueAsync();
        var (firstText, secondText) = (await page.Locator("#first").InnerTextAsync(), await page.Locator("#second").InnerTextAsync());
        Assert.True(firstText.Length > 200 && secondText.Length > 200, "both continuations are shown");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "annotator.png"), FullPage = true });

        // When the page is reloaded mid-item, Then it is the same item with the same sides
        await page.ReloadAsync();
        Assert.Equal(showing, await page.Locator("input[name=showing]").InputValueAsync());
        Assert.Equal(firstText, await page.Locator("#first").InnerTextAsync());
        Assert.Equal(secondText, await page.Locator("#second").InnerTextAsync());

        // When she votes with the mouse, Then the next item comes and the count goes up
        await page.GetByRole(AriaRole.Button, new() { Name = "First is better" }).ClickAsync();
        await Expect(page.Locator("#done")).ToHaveTextAsync("1 done");
        Assert.NotEqual(showing, await page.Locator("input[name=showing]").InputValueAsync());

        // When she answers the rest with the keyboard (2, →, E, 1, ←, 3, 2), Then the queue ends on the no-work page
        string[] keys = ["2", "ArrowRight", "e", "1", "ArrowLeft", "3", "2"];
        for (var i = 0; i < keys.Length; i++)
        {
            await Expect(page.Locator("#vote-form[data-keys=ready]")).ToHaveCountAsync(1);
            await page.Keyboard.PressAsync(keys[i]);
            if (i < keys.Length - 1)
            {
                await Expect(page.Locator("#done")).ToHaveTextAsync($"{i + 2} done");
            }
        }

        await Expect(page.Locator("#no-work")).ToBeVisibleAsync();
        await Expect(page.Locator("#no-work")).ToContainTextAsync("You have answered 8.");
        await Expect(page.Locator("#done")).ToHaveTextAsync("8 done");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "no-work.png"), FullPage = true });

        // And the database holds the eight answers in the order given
        var votes = StudyDatabase.ReadVotes(_study.Directory);
        Assert.Equal(
            [ScreenChoice.First, ScreenChoice.Second, ScreenChoice.Second, ScreenChoice.Equal, ScreenChoice.First, ScreenChoice.First, ScreenChoice.Equal, ScreenChoice.Second],
            votes.Select(v => v.Choice));
        Assert.All(votes, v => Assert.Equal("alice", v.Annotator));

        // And signing out ends the session
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("#signed-out")).ToBeVisibleAsync();
        var again = await page.GotoAsync(new Uri(server.Url, "annotate").AbsoluteUri);
        Assert.Equal(401, again!.Status);
    }

    [Fact]
    public async Task Should_LetAnAdminFollowProgressAndDownloadTheCsvExport()
    {
        // Given three votes and an admin's link
        StudyAccount alice;
        using (var connection = StudyDatabase.Open(_study.Directory))
        {
            alice = StudyAccounts.Authenticate(connection, _study.Invite("alice"))!;
        }

        var assignment = new StudyAssignment(_study.Directory);
        foreach (var choice in new[] { ScreenChoice.First, ScreenChoice.Equal, ScreenChoice.Second })
        {
            Assert.Equal(VoteOutcome.Stored, assignment.Submit(alice, assignment.Next(alice)!.ShowingId, choice).Outcome);
        }

        var token = _study.Invite("carol", StudyRole.Admin);
        await using var server = await AnnotationServer.StartAsync(new AnnotationServerOptions { StudyDirectory = _study.Directory, Port = 0 });
        await using var chromium = await DebianChromium.Launch();
        var page = await chromium.NewPage();

        // When the admin signs in, Then the progress page shows each comparison × length × context set and the accounts
        await page.GotoAsync(server.LoginLink(token).AbsoluteUri);
        await Expect(page).ToHaveURLAsync(new Uri(server.Url, "admin").AbsoluteUri); // polls: the refresh may come before or after load
        await Expect(page.Locator("#progress tbody tr")).ToHaveCountAsync(WebStudy.Comparisons.Length * WebStudy.ContextSets.Length * 2);
        await Expect(page.Locator("#progress")).ToContainTextAsync("hyperfitted_greedy");
        await Expect(page.Locator("#accounts")).ToContainTextAsync("alice");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "admin.png"), FullPage = true });

        // When the CSV export is downloaded, Then it has the header and one row per vote
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-csv").ClickAsync());
        var path = Path.Combine(_study.Root, "export.csv");
        await download.SaveAsAsync(path);
        Assert.Equal("study-votes.csv", download.SuggestedFilename);
        var lines = File.ReadAllLines(path);
        Assert.Equal(string.Join(',', StudyExport.Columns), lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.Contains(",alice,", line, StringComparison.Ordinal));
    }
}
