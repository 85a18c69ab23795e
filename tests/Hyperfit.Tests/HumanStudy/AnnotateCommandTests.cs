using Hyperfit.Cli.Commands;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.Cli;

namespace Hyperfit.Tests.HumanStudy;

[Collection(ConsoleTests.Name)]
public sealed class AnnotateCommandTests
{
    [Fact]
    public void Should_build_invite_report_status_and_export_from_the_command_line()
    {
        using var f = new StudyFixture(2, ["fiction"], ["base_greedy", "hyperfitted_greedy"]);
        var study = f.StudyDir();

        // build
        var (code, output, error) = CliRunner.Run("annotate", "build", "--study", study, "--tokenizer", f.TokenizerDir,
            "--reference", $"fiction={f.References["fiction"].Path}", "--generations", $"base_greedy={f.Generations["base_greedy"].Path}",
            "--generations", $"hyperfitted_greedy={f.Generations["hyperfitted_greedy"].Path}", "--lengths", "128,256");
        Assert.Equal((0, ""), (code, error));
        Assert.StartsWith($"built {study}: 8 items (2 comparisons × 1 context sets × lengths 128/256), 3 annotations each", output, StringComparison.Ordinal);

        // invite: a link with a token that logs in
        (code, output, error) = CliRunner.Run("annotate", "invite", "--study", study, "--name", "ann", "--url", "https://study.example.org/");
        Assert.Equal((0, ""), (code, error));
        var link = output.Split('\n')[0];
        Assert.StartsWith("annotator 'ann': https://study.example.org/login?token=", link, StringComparison.Ordinal);
        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..].Trim();
        using (var connection = StudyDatabase.Open(study))
        {
            Assert.Equal("ann", StudyAccounts.Authenticate(connection, Uri.UnescapeDataString(token))!.Name);
        }

        // a vote, then status and export
        using (var connection = StudyDatabase.Open(study))
        {
            var account = StudyAccounts.Authenticate(connection, Uri.UnescapeDataString(token))!;
            var assignment = new StudyAssignment(study);
            assignment.Submit(account, assignment.Next(account)!.ShowingId, ScreenChoice.Equal);
        }

        (code, output, _) = CliRunner.Run("annotate", "status", "--study", study);
        Assert.Equal(0, code);
        Assert.StartsWith("1/24 votes, 0/8 items complete", output, StringComparison.Ordinal);
        Assert.Contains("annotator ann: 1 votes", output, StringComparison.Ordinal);

        var csv = f.File("votes.csv");
        (code, output, _) = CliRunner.Run("annotate", "export", "--study", study, "--out", csv);
        Assert.Equal((0, $"wrote 1 votes to {csv}"), (code, output.Trim()));
        Assert.Equal(2, File.ReadAllLines(csv).Length);

        // report: Table 1's preference columns from the one vote ("equal" counts as preferred or equal)
        (code, output, error) = CliRunner.Run("annotate", "report", "--study", study);
        Assert.Equal((0, ""), (code, error));
        var report = StudyReport.FromJson(File.ReadAllText(Path.Combine(study, "report", StudyReport.JsonFile)));
        Assert.Equal(1, report.Table1.Sum(c => c.Votes));
        Assert.Contains("Table 1", File.ReadAllText(Path.Combine(study, "report", StudyReport.MarkdownFile)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--reference", "fiction", "error: --reference: expected LABEL=FILE, got 'fiction'")]
    [InlineData("--lengths", "128,x", "error: --lengths: 'x' is not a number")]
    [InlineData("--lengths", "300", "error: lengths: 300 is not a length scenario of the study (128 or 256)")]
    public void Should_answer_bad_build_options_with_one_line(string flag, string value, string expected)
    {
        using var f = new StudyFixture(1, ["fiction"], ["x"]);
        string[] args = ["annotate", "build", "--study", f.StudyDir(), "--tokenizer", f.TokenizerDir, "--reference", $"fiction={f.References["fiction"].Path}",
            "--generations", $"x={f.Generations["x"].Path}", flag, value];

        var (code, _, error) = CliRunner.Run(args);

        Assert.Equal((1, expected), (code, error.Trim()));
    }

    [Fact]
    public void Should_answer_a_folder_that_is_not_a_study_with_one_line()
    {
        using var f = new StudyFixture(1, ["fiction"], ["x"]);
        var (code, _, error) = CliRunner.Run("annotate", "invite", "--study", f.Root, "--name", "ann");
        Assert.Equal((1, $"error: {f.Root}: not a study folder (no study.db; make one with 'hyperfit annotate build')"), (code, error.Trim()));
    }

    [Fact]
    public void Should_refuse_a_login_address_that_is_not_http()
    {
        Assert.Equal("--url: 'ftp://x' is not an http(s) address", Assert.Throws<ArgumentException>(() => AnnotateCommand.LoginLink("ftp://x", "t")).Message);
        Assert.Equal("http://127.0.0.1:5290/login?token=a%2Bb", AnnotateCommand.LoginLink(AnnotateCommand.DefaultUrl, "a+b"));
    }
}
