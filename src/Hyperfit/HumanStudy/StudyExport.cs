using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hyperfit.HumanStudy;

/// <summary>Every vote, one row each, as CSV (RFC 4180 quoting) or JSONL, in submission order.</summary>
public static class StudyExport
{
    /// <summary>The CSV header, also the JSONL keys.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "vote_id", "item_id", "comparison", "model", "seed", "context_set", "context_index", "length", "annotator", "model_shown_first",
        "choice", "preference", "shown_utc", "submitted_utc", "late", "rank", "generated_ttr", "original_ttr",
    ];

    public static StudyExportRow Row(StudyVoteRow v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return new StudyExportRow(v.VoteId, v.ItemId, v.Comparison, v.Model, v.Seed, v.ContextSet, v.ContextIndex, v.Length, v.Annotator,
            v.ModelShownFirst, StudyDatabase.ChoiceName(v.Choice), StudyDatabase.PreferenceName(v.Preference), Time(v.ShownUtc), Time(v.SubmittedUtc),
            v.Late, v.Rank, v.GeneratedTtr, v.OriginalTtr);
    }

    public static string Csv(IEnumerable<StudyVoteRow> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var text = new StringBuilder().AppendJoin(',', Columns).Append("\r\n");
        foreach (var r in votes.Select(Row))
        {
            object[] cells = [r.VoteId, r.ItemId, r.Comparison, r.Model, r.Seed, r.ContextSet, r.ContextIndex, r.Length, r.Annotator,
                r.ModelShownFirst, r.Choice, r.Preference, r.ShownUtc, r.SubmittedUtc, r.Late, r.Rank, r.GeneratedTtr, r.OriginalTtr];
            text.AppendJoin(',', cells.Select(Cell)).Append("\r\n");
        }

        return text.ToString();
    }

    public static string Jsonl(IEnumerable<StudyVoteRow> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var options = new JsonSerializerOptions(StudyJsonContext.Default.Options) { WriteIndented = false };
        var text = new StringBuilder();
        foreach (var row in votes.Select(Row))
        {
            text.Append(JsonSerializer.Serialize(row, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<StudyExportRow>)options.GetTypeInfo(typeof(StudyExportRow))))
                .Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Writes the export of a study to <paramref name="path"/>: <c>.csv</c> or <c>.jsonl</c> by extension, atomically.</summary>
    /// <returns>The number of votes written.</returns>
    public static int Write(string studyDirectory, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".csv" or ".jsonl"))
        {
            throw new ArgumentException($"out: {path} must end in .csv or .jsonl", nameof(path));
        }

        var votes = StudyDatabase.ReadVotes(studyDirectory);
        Checkpoints.HfModelSaver.WriteAtomically(path, extension == ".csv" ? Csv(votes) : Jsonl(votes));
        return votes.Count;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string Cell(object value)
    {
        var text = value switch
        {
            bool b => b ? "true" : "false",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
