using Microsoft.Data.Sqlite;

namespace Hyperfit.HumanStudy;

/// <summary>Progress of one cell of the design: a comparison at one length on one context set.</summary>
/// <param name="Complete">Items with at least the quota of votes.</param>
/// <param name="OpenHolds">Items currently held for an annotator (not yet voted, hold not expired).</param>
public sealed record StudyProgressRow(string Comparison, int Length, string ContextSet, int Items, int Complete, int Votes, int OpenHolds, int LateVotes);

/// <summary>An account's contribution.</summary>
public sealed record AnnotatorProgress(string Name, StudyRole Role, bool Revoked, long Votes);

/// <summary>What the admin page shows: the design's cells, the accounts, and the totals.</summary>
public sealed record StudyProgress(int Items, int VotesNeeded, int Votes, int Complete, IReadOnlyList<StudyProgressRow> Rows, IReadOnlyList<AnnotatorProgress> Accounts)
{
    /// <summary>Reads the progress of a study at <paramref name="now"/> (holds expiring before it are not open).</summary>
    public static StudyProgress Read(SqliteConnection connection, int annotationsPerItem, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT i.comparison, i.length, i.context_set, COUNT(*),
                   SUM(CASE WHEN (SELECT COUNT(*) FROM votes v WHERE v.item_id = i.id) >= $k THEN 1 ELSE 0 END),
                   SUM((SELECT COUNT(*) FROM votes v WHERE v.item_id = i.id)),
                   SUM((SELECT COUNT(*) FROM showings s WHERE s.item_id = i.id AND s.state = 0 AND s.expires_ms > $now)),
                   SUM((SELECT COUNT(*) FROM votes v WHERE v.item_id = i.id AND v.late = 1))
            FROM items i
            GROUP BY i.comparison, i.length, i.context_set
            ORDER BY MIN(i.id), i.length
            """;
        command.Parameters.AddWithValue("$k", annotationsPerItem);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        var rows = new List<StudyProgressRow>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add(new StudyProgressRow(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
                    reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7)));
            }
        }

        var accounts = StudyAccounts.List(connection).Select(a => new AnnotatorProgress(a.Name, a.Role, a.Revoked, a.Votes)).ToList();
        var items = rows.Sum(r => r.Items);
        return new StudyProgress(items, items * annotationsPerItem, rows.Sum(r => r.Votes), rows.Sum(r => r.Complete), rows, accounts);
    }
}
