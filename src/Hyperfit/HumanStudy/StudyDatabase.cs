using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Hyperfit.HumanStudy;

/// <summary>
/// The SQLite file of a study folder (<c>study.db</c>): items, accounts, showings (an item handed to an annotator with
/// its left/right order and hold) and votes. Opened in WAL mode with <c>synchronous=FULL</c>, so a vote acknowledged to
/// the browser survives a killed process, and with a busy timeout, so a database locked by another process gives a
/// clear error instead of a hang. Every write that must respect the protocol runs in one <c>BEGIN IMMEDIATE</c>
/// transaction (<see cref="StudyAssignment"/>).
/// </summary>
public static class StudyDatabase
{
    public const string FileName = "study.db";

    /// <summary>Schema version stored in <c>study_meta</c>; a study written by another version is refused.</summary>
    public const int SchemaVersion = 1;

    /// <summary>How long a statement waits for another writer before failing with "database is locked".</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS study_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS items(
            id INTEGER PRIMARY KEY,
            comparison TEXT NOT NULL, model TEXT NOT NULL, seed INTEGER NOT NULL,
            context_set TEXT NOT NULL, context_index INTEGER NOT NULL, source_line INTEGER NOT NULL,
            length INTEGER NOT NULL CHECK (length IN (128, 256)),
            context TEXT NOT NULL, original TEXT NOT NULL, generated TEXT NOT NULL,
            generated_ttr REAL NOT NULL, original_ttr REAL NOT NULL,
            UNIQUE (comparison, seed, context_set, context_index, length));
        CREATE TABLE IF NOT EXISTS annotators(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('annotator', 'admin')),
            token_sha256 TEXT NOT NULL UNIQUE,
            created_ms INTEGER NOT NULL,
            revoked_ms INTEGER);
        CREATE TABLE IF NOT EXISTS showings(
            id INTEGER PRIMARY KEY,
            public_id TEXT NOT NULL UNIQUE,
            item_id INTEGER NOT NULL REFERENCES items(id),
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            model_first INTEGER NOT NULL CHECK (model_first IN (0, 1)),
            shown_ms INTEGER NOT NULL,
            expires_ms INTEGER NOT NULL,
            state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)));
        CREATE INDEX IF NOT EXISTS showings_open ON showings(item_id, state, expires_ms);
        CREATE INDEX IF NOT EXISTS showings_annotator ON showings(annotator_id, state);
        CREATE TABLE IF NOT EXISTS votes(
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id),
            annotator_id INTEGER NOT NULL REFERENCES annotators(id),
            showing_id INTEGER NOT NULL UNIQUE REFERENCES showings(id),
            model_first INTEGER NOT NULL CHECK (model_first IN (0, 1)),
            choice TEXT NOT NULL CHECK (choice IN ('first', 'second', 'equal')),
            preference TEXT NOT NULL CHECK (preference IN ('model', 'original', 'equal')),
            shown_ms INTEGER NOT NULL,
            submitted_ms INTEGER NOT NULL,
            late INTEGER NOT NULL CHECK (late IN (0, 1)),
            UNIQUE (item_id, annotator_id));
        CREATE INDEX IF NOT EXISTS votes_item ON votes(item_id);
        """;

    /// <summary>The database path of a study folder.</summary>
    public static string PathIn(string studyDirectory) => Path.Combine(studyDirectory, FileName);

    /// <summary>Opens a study's database. <paramref name="create"/> makes the file and schema when missing; otherwise a
    /// missing file is an error naming the folder.</summary>
    /// <exception cref="InvalidDataException">Not a study folder, or a study of another schema version.</exception>
    public static SqliteConnection Open(string studyDirectory, bool create = false)
    {
        ArgumentNullException.ThrowIfNull(studyDirectory);
        var path = PathIn(studyDirectory);
        if (!create && !File.Exists(path))
        {
            throw new InvalidDataException($"{studyDirectory}: not a study folder (no {FileName}; make one with 'hyperfit annotate build')");
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false, // a killed or restarted server must not keep file handles in a pool
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"));
            if (create)
            {
                Execute(connection, Schema);
                Execute(connection, string.Create(CultureInfo.InvariantCulture,
                    $"INSERT OR IGNORE INTO study_meta(key, value) VALUES ('schema_version', '{SchemaVersion}');"));
            }

            var version = Scalar(connection, "SELECT value FROM study_meta WHERE key = 'schema_version'");
            if (version != SchemaVersion.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidDataException($"{path}: study schema version {version ?? "missing"}, this Hyperfit reads version {SchemaVersion}");
            }

            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Explain(e, path);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Turns SQLite's errors into one line naming the file: a lock held by another process, a file that is
    /// not a database, a read-only folder.</summary>
    public static IOException Explain(SqliteException e, string path)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.SqliteErrorCode switch
        {
            5 or 6 => new IOException($"{path}: the study database is locked by another process (waited {BusyTimeout.TotalSeconds:F0} s); try again when it is free", e),
            26 => new IOException($"{path}: not a SQLite database", e),
            8 => new IOException($"{path}: the study database is read-only", e),
            _ => new IOException($"{path}: {e.Message.Split('\n')[0]}", e),
        };
    }

    /// <summary>Every item, in id order.</summary>
    public static IReadOnlyList<StudyItem> ReadItems(string studyDirectory)
    {
        using var connection = Open(studyDirectory);
        return ReadItems(connection);
    }

    internal static IReadOnlyList<StudyItem> ReadItems(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, comparison, model, seed, context_set, context_index, source_line, length, context, original, generated,
                   generated_ttr, original_ttr
            FROM items ORDER BY id
            """;
        using var reader = command.ExecuteReader();
        var items = new List<StudyItem>();
        while (reader.Read())
        {
            items.Add(ItemFrom(reader, 0));
        }

        return items;
    }

    /// <summary>Every vote joined with its item, in submission order; <see cref="StudyVoteRow.Rank"/> is the vote's
    /// place among its item's votes.</summary>
    public static IReadOnlyList<StudyVoteRow> ReadVotes(string studyDirectory)
    {
        using var connection = Open(studyDirectory);
        return ReadVotes(connection);
    }

    internal static IReadOnlyList<StudyVoteRow> ReadVotes(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT v.id, v.item_id, i.comparison, i.model, i.seed, i.context_set, i.context_index, i.length, a.name,
                   v.model_first, v.choice, v.preference, v.shown_ms, v.submitted_ms, v.late,
                   ROW_NUMBER() OVER (PARTITION BY v.item_id ORDER BY v.id), i.generated_ttr, i.original_ttr
            FROM votes v JOIN items i ON i.id = v.item_id JOIN annotators a ON a.id = v.annotator_id
            ORDER BY v.id
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<StudyVoteRow>();
        while (reader.Read())
        {
            rows.Add(new StudyVoteRow(
                VoteId: reader.GetInt64(0),
                ItemId: reader.GetInt64(1),
                Comparison: reader.GetString(2),
                Model: reader.GetString(3),
                Seed: reader.GetInt64(4),
                ContextSet: reader.GetString(5),
                ContextIndex: reader.GetInt32(6),
                Length: reader.GetInt32(7),
                Annotator: reader.GetString(8),
                ModelShownFirst: reader.GetInt64(9) == 1,
                Choice: ParseChoice(reader.GetString(10)),
                Preference: ParsePreference(reader.GetString(11)),
                ShownUtc: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
                SubmittedUtc: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(13)),
                Late: reader.GetInt64(14) == 1,
                Rank: reader.GetInt32(15),
                GeneratedTtr: reader.GetDouble(16),
                OriginalTtr: reader.GetDouble(17)));
        }

        return rows;
    }

    /// <summary>The number of stored votes.</summary>
    public static long CountVotes(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        long.Parse(Scalar(connection, "SELECT COUNT(*) FROM votes", transaction)!, CultureInfo.InvariantCulture);

    internal static StudyItem ItemFrom(SqliteDataReader reader, int first) => new(
        Id: reader.GetInt64(first),
        Comparison: reader.GetString(first + 1),
        Model: reader.GetString(first + 2),
        Seed: reader.GetInt64(first + 3),
        ContextSet: reader.GetString(first + 4),
        ContextIndex: reader.GetInt32(first + 5),
        SourceLine: reader.GetInt32(first + 6),
        Length: reader.GetInt32(first + 7),
        Context: reader.GetString(first + 8),
        Original: reader.GetString(first + 9),
        Generated: reader.GetString(first + 10),
        GeneratedTtr: reader.GetDouble(first + 11),
        OriginalTtr: reader.GetDouble(first + 12));

    internal static string ChoiceName(ScreenChoice choice) => choice switch
    {
        ScreenChoice.First => "first",
        ScreenChoice.Second => "second",
        _ => "equal",
    };

    internal static string PreferenceName(HumanPreference preference) => preference switch
    {
        HumanPreference.Model => "model",
        HumanPreference.Original => "original",
        _ => "equal",
    };

    internal static ScreenChoice ParseChoice(string text) => text switch
    {
        "first" => ScreenChoice.First,
        "second" => ScreenChoice.Second,
        "equal" => ScreenChoice.Equal,
        _ => throw new InvalidDataException($"votes.choice: unknown value '{text}'"),
    };

    internal static HumanPreference ParsePreference(string text) => text switch
    {
        "model" => HumanPreference.Model,
        "original" => HumanPreference.Original,
        "equal" => HumanPreference.Equal,
        _ => throw new InvalidDataException($"votes.preference: unknown value '{text}'"),
    };

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static string? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar() switch
        {
            null or DBNull => null,
            var value => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }
}
