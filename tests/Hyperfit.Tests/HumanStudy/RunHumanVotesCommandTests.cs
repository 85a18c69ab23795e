using System.Text.Json.Nodes;
using Hyperfit.Experiments;
using Hyperfit.HumanStudy;
using Hyperfit.Tests.Cli;
using Hyperfit.Tests.Experiments;

namespace Hyperfit.Tests.HumanStudy;

/// <summary><c>hyperfit run SPEC --out DIR --human-votes STUDY</c> on a study built from that run and fully voted
/// through the assignment protocol.</summary>
[Collection(ConsoleTests.Name)]
public sealed class RunHumanVotesCommandTests : IDisposable
{
    private readonly ExperimentFixture _experiment = new();

    public void Dispose() => _experiment.Dispose();

    [Fact]
    public void Should_fill_the_pref_columns_from_a_voted_study_and_refuse_a_study_of_another_run()
    {
        // Given a base-model run (2 decodings, 2 sets × 2 contexts, 96 new tokens), a study of it at 128 tokens, and
        // three annotators who vote until no work is left (always "first text", so Pref follows the coin flips)
        var random = new Random(3);
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "while", "dog", "ran", "far", "away", "from", "house"];
        foreach (var set in new[] { "fiction", "press" })
        {
            File.WriteAllLines(Path.Combine(_experiment.Root, "data", set + ".jsonl"), Enumerable.Range(0, 3).Select(_ =>
                new JsonObject { ["text"] = string.Join(' ', Enumerable.Range(0, 200).Select(_ => words[random.Next(words.Length)])) }.ToJsonString()));
        }

        var specFile = _experiment.WriteSpec(s =>
        {
            s["hyperfit"]!.AsObject().Remove("sample_sweep");
            s["hyperfit"]!["variants"] = new JsonArray();
            s["decoding"] = JsonNode.Parse("""{ "base_greedy": { "model": "base" }, "base_top_p": { "model": "base", "strategy": "sample" } }""");
            s["metrics"] = new JsonArray("text");
            s["new_tokens"] = 96;
        });
        ExperimentRunner.Run(ExperimentSpec.Load(specFile), _experiment.Out);
        var study = Path.Combine(_experiment.Root, "study");
        StudyBuilder.Build(new StudyBuildRequest { StudyDirectory = study, RunDirectory = _experiment.Out, Lengths = [128] });
        var assignment = new StudyAssignment(study);
        foreach (var name in new[] { "ann-a", "ann-b", "ann-c" })
        {
            var token = StudyAccounts.Invite(study, name, StudyRole.Annotator);
            StudyAccount account;
            using (var connection = StudyDatabase.Open(study))
            {
                account = StudyAccounts.Authenticate(connection, token)!;
            }

            while (assignment.Next(account) is { } showing)
            {
                assignment.Submit(account, showing.ShowingId, ScreenChoice.First);
            }
        }

        var votes = StudyDatabase.ReadVotes(study);
        Assert.Equal(8 * 3, votes.Count);

        // When the run is repeated with the study
        var (code, output, error) = CliRunner.Run("run", specFile, "--out", _experiment.Out, "--human-votes", study);

        // Then every step is reused, and Table 1's 128 Pref of each decoding is its share of votes with the model
        // text shown first (the button pressed was always "first"), as the study's own report says
        Assert.Equal((0, ""), (code, error));
        Assert.DoesNotContain(": running", output, StringComparison.Ordinal);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(_experiment.Out, "results.json")))!;
        foreach (var decoding in new[] { "base_greedy", "base_top_p" })
        {
            var own = votes.Where(v => v.Comparison == decoding).ToList();
            var row = results["table1"]!.AsArray().Single(r => r!["row"]!.GetValue<string>() == decoding)!;
            Assert.Equal((double)own.Count(v => v.ModelShownFirst) / own.Count, row["pref_128"]!.GetValue<double>(), 12);
            Assert.Null(row["pref_256"]);
        }

        var report = File.ReadAllText(Path.Combine(_experiment.Out, "report.md"));
        Assert.Contains("| Model | Context PPL | 128 Pref | 256 Pref | 128 TTR | TTR, last 96 of 96 |", report, StringComparison.Ordinal); // 96 new tokens: the 128 scenario is the paper's
        Assert.True(File.Exists(Path.Combine(_experiment.Out, ExperimentRunner.HumanFolder, StudyReport.MarkdownFile)));

        // When the same study is given to a run into another folder
        (code, _, error) = CliRunner.Run("run", specFile, "--out", Path.Combine(_experiment.Root, "other"), "--human-votes", study);

        // Then one line, non-zero exit
        Assert.Equal(1, code);
        Assert.Equal($"error: {study}: the study was built from the run in {_experiment.Out}, not {Path.Combine(_experiment.Root, "other")}; run the spec with that folder as its output", error.Trim());

        // And a folder that is not a study
        (code, _, error) = CliRunner.Run("run", specFile, "--out", _experiment.Out, "--human-votes", _experiment.Root);
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {_experiment.Root}: not a study folder", error.Trim(), StringComparison.Ordinal);
    }
}
