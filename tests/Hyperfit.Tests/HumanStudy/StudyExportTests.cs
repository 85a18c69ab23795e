using System.Text.Json;
using Hyperfit.HumanStudy;

namespace Hyperfit.Tests.HumanStudy;

public sealed class StudyExportTests
{
    private static StudyVoteRow Vote(string annotator) => new(
        VoteId: 7, ItemId: 3, Comparison: "hyperfitted_greedy", Model: "hyperfitted", Seed: 42, ContextSet: "fiction", ContextIndex: 2, Length: 256,
        Annotator: annotator, ModelShownFirst: true, Choice: ScreenChoice.Second, Preference: HumanPreference.Original,
        ShownUtc: new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), SubmittedUtc: new DateTimeOffset(2026, 12, 1, 10, 1, 2, 345, TimeSpan.Zero),
        Late: false, Rank: 1, GeneratedTtr: 0.71875, OriginalTtr: 0.75);

    [Fact]
    public void Should_write_one_csv_row_per_vote_quoting_what_needs_it()
    {
        var csv = StudyExport.Csv([Vote("Lee, \"Ann\"")]);

        Assert.Equal(
            "vote_id,item_id,comparison,model,seed,context_set,context_index,length,annotator,model_shown_first,choice,preference,shown_utc,submitted_utc,late,rank,generated_ttr,original_ttr\r\n"
            + "7,3,hyperfitted_greedy,hyperfitted,42,fiction,2,256,\"Lee, \"\"Ann\"\"\",true,second,original,2026-12-01T10:00:00.000Z,2026-12-01T10:01:02.345Z,false,1,0.71875,0.75\r\n",
            csv);
    }

    [Fact]
    public void Should_write_jsonl_with_the_csv_columns_as_keys()
    {
        var line = StudyExport.Jsonl([Vote("ann")]).TrimEnd('\n');

        Assert.DoesNotContain('\n', line);
        using var json = JsonDocument.Parse(line);
        Assert.Equal(StudyExport.Columns, json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("original", json.RootElement.GetProperty("preference").GetString());
        Assert.True(json.RootElement.GetProperty("model_shown_first").GetBoolean());
        Assert.Equal(0.71875, json.RootElement.GetProperty("generated_ttr").GetDouble());
    }

    [Fact]
    public void Should_refuse_an_unknown_extension()
    {
        using var f = new StudyFixture(1, ["fiction"], ["x"]);
        var study = f.Build();
        Assert.StartsWith("out: ", Assert.Throws<ArgumentException>(() => StudyExport.Write(study, f.File("votes.txt"))).Message, StringComparison.Ordinal);
    }
}
