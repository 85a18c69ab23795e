using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Hyperfit.HumanStudy;

/// <summary>
/// The annotation protocol of Appendix A, safe under concurrent requests: annotators get a continuous stream of randomly
/// selected items from those with fewer than three annotations, each item at most once per annotator, with the model's
/// text on a uniformly random side. Each call is one <c>BEGIN IMMEDIATE</c> transaction, so SQLite serialises them and
/// the invariant "submitted votes + open holds ≤ 3" holds whatever the interleaving.
/// <para>A hold keeps an item for its annotator for <see cref="Hold"/>; an expired hold returns the item to the pool
/// (its annotator gets it back on reload while nobody else took the place). A vote arriving after its hold expired is
/// kept and flagged late, never lost; a second vote for the same showing stores nothing.</para>
/// </summary>
public sealed class StudyAssignment
{
    /// <summary>Default hold: long enough to read two 224-token texts, short enough that an abandoned tab does not
    /// block an item for a working day.</summary>
    public static readonly TimeSpan DefaultHold = TimeSpan.FromMinutes(20);

    private readonly string _directory;
    private readonly TimeProvider _clock;

    public StudyAssignment(string studyDirectory, TimeSpan? hold = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(studyDirectory);
        Hold = hold ?? DefaultHold;
        if (Hold <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(hold), Hold, "hold: must be positive");
        }

        _directory = studyDirectory;
        _clock = clock ?? TimeProvider.System;
        using var connection = Open();
        AnnotationsPerItem = int.Parse(StudyDatabase.Scalar(connection, "SELECT value FROM study_meta WHERE key = 'annotations_per_item'") ?? "3",
            CultureInfo.InvariantCulture);
        Seed = long.Parse(StudyDatabase.Scalar(connection, "SELECT value FROM study_meta WHERE key = 'assignment_seed'") ?? "0", CultureInfo.InvariantCulture);
    }

    public TimeSpan Hold { get; }

    /// <summary>§4: three annotations per comparison.</summary>
    public int AnnotationsPerItem { get; }

    /// <summary>Seeds item draws and coin flips: draw n uses a hash of (seed, n), so the same sequence of requests gives
    /// the same assignments.</summary>
    public long Seed { get; }

    /// <summary>The study folder.</summary>
    public string Directory => _directory;

    /// <summary>Opens the study's database (one connection per request; the caller disposes it).</summary>
    public SqliteConnection Open() => StudyDatabase.Open(_directory);

    /// <summary>The annotator's current item: the open one if any (a reload shows the same item and sides), else a new
    /// random draw; null when no item is left for them.</summary>
    public StudyShowing? Next(StudyAccount annotator) => Guard(connection =>
    {
        ArgumentNullException.ThrowIfNull(annotator);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        using var transaction = connection.BeginTransaction(deferred: false);
        var showing = Resume(connection, transaction, annotator.Id, now) ?? Draw(connection, transaction, annotator.Id, now);
        transaction.Commit();
        return showing;
    });

    /// <summary>Stores the annotator's vote for a showing (see <see cref="VoteOutcome"/>).</summary>
    public VoteReceipt Submit(StudyAccount annotator, string showingId, ScreenChoice choice) => Guard(connection =>
    {
        ArgumentNullException.ThrowIfNull(annotator);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var find = Command(connection, transaction,
            "SELECT id, annotator_id, item_id, model_first, shown_ms, expires_ms, state FROM showings WHERE public_id = $p", ("$p", showingId));
        long id, itemId, shown, expires;
        bool modelFirst;
        int state;
        using (var reader = find.ExecuteReader())
        {
            if (!reader.Read() || reader.GetInt64(1) != annotator.Id)
            {
                return new VoteReceipt(VoteOutcome.NotAssigned, null);
            }

            (id, itemId, modelFirst, shown, expires, state) =
                (reader.GetInt64(0), reader.GetInt64(2), reader.GetInt64(3) == 1, reader.GetInt64(4), reader.GetInt64(5), reader.GetInt32(6));
        }

        var existing = ScalarLong(connection, transaction, "SELECT id FROM votes WHERE item_id = $i AND annotator_id = $a",
            ("$i", itemId), ("$a", annotator.Id));
        if (existing is { } voteId)
        {
            Execute(connection, transaction, "UPDATE showings SET state = 1 WHERE id = $s", ("$s", id));
            transaction.Commit();
            return new VoteReceipt(VoteOutcome.Duplicate, voteId);
        }

        var late = state == 2 || expires < now;
        var preference = choice switch
        {
            ScreenChoice.Equal => HumanPreference.Equal,
            ScreenChoice.First => modelFirst ? HumanPreference.Model : HumanPreference.Original,
            _ => modelFirst ? HumanPreference.Original : HumanPreference.Model,
        };
        var stored = ScalarLong(connection, transaction, """
            INSERT INTO votes(item_id, annotator_id, showing_id, model_first, choice, preference, shown_ms, submitted_ms, late)
            VALUES ($i, $a, $s, $m, $c, $p, $shown, $now, $late) RETURNING id
            """,
            ("$i", itemId), ("$a", annotator.Id), ("$s", id), ("$m", modelFirst ? 1 : 0), ("$c", StudyDatabase.ChoiceName(choice)),
            ("$p", StudyDatabase.PreferenceName(preference)), ("$shown", shown), ("$now", now), ("$late", late ? 1 : 0))!.Value;
        Execute(connection, transaction, "UPDATE showings SET state = 1 WHERE id = $s", ("$s", id));
        transaction.Commit();
        return new VoteReceipt(late ? VoteOutcome.StoredLate : VoteOutcome.Stored, stored);
    });

    /// <summary>How many votes the annotator has given (the page's "12 done").</summary>
    public long Done(StudyAccount annotator) => Guard(connection =>
        ScalarLong(connection, null, "SELECT COUNT(*) FROM votes WHERE annotator_id = $a", ("$a", annotator.Id)) ?? 0);

    /// <summary>The annotator's open showing: still held, or expired but with its place still free (then renewed);
    /// an expired one whose place was taken is closed.</summary>
    private StudyShowing? Resume(SqliteConnection connection, SqliteTransaction transaction, long annotator, long now)
    {
        using var find = Command(connection, transaction,
            "SELECT id, public_id, item_id, model_first, shown_ms, expires_ms FROM showings WHERE annotator_id = $a AND state = 0 ORDER BY id DESC LIMIT 1",
            ("$a", annotator));
        long id, itemId, shown, expires;
        string publicId;
        bool modelFirst;
        using (var reader = find.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            (id, publicId, itemId, modelFirst, shown, expires) =
                (reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3) == 1, reader.GetInt64(4), reader.GetInt64(5));
        }

        if (expires <= now)
        {
            var taken = ScalarLong(connection, transaction, """
                SELECT (SELECT COUNT(*) FROM votes WHERE item_id = $i)
                     + (SELECT COUNT(*) FROM showings WHERE item_id = $i AND state = 0 AND expires_ms > $now AND id <> $s)
                """, ("$i", itemId), ("$now", now), ("$s", id))!.Value;
            if (taken >= AnnotationsPerItem)
            {
                Execute(connection, transaction, "UPDATE showings SET state = 2 WHERE id = $s", ("$s", id));
                return null;
            }

            expires = now + (long)Hold.TotalMilliseconds;
            Execute(connection, transaction, "UPDATE showings SET expires_ms = $e WHERE id = $s", ("$e", expires), ("$s", id));
        }

        return new StudyShowing(publicId, ReadItem(connection, transaction, itemId), modelFirst,
            DateTimeOffset.FromUnixTimeMilliseconds(shown), DateTimeOffset.FromUnixTimeMilliseconds(expires));
    }

    /// <summary>A uniformly random item among those the annotator has never been shown whose votes plus live holds are
    /// below the quota, held for the annotator with a coin-flipped side.</summary>
    private StudyShowing? Draw(SqliteConnection connection, SqliteTransaction transaction, long annotator, long now)
    {
        using var candidates = Command(connection, transaction, """
            SELECT i.id FROM items i
            WHERE NOT EXISTS (SELECT 1 FROM showings s WHERE s.item_id = i.id AND s.annotator_id = $a)
              AND (SELECT COUNT(*) FROM votes v WHERE v.item_id = i.id)
                + (SELECT COUNT(*) FROM showings s WHERE s.item_id = i.id AND s.state = 0 AND s.expires_ms > $now) < $k
            ORDER BY i.id
            """, ("$a", annotator), ("$now", now), ("$k", AnnotationsPerItem));
        var ids = new List<long>();
        using (var reader = candidates.ExecuteReader())
        {
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        if (ids.Count == 0)
        {
            return null;
        }

        var draw = ScalarLong(connection, transaction, "SELECT COALESCE(MAX(id), 0) + 1 FROM showings")!.Value;
        var bits = Mix(unchecked((ulong)Seed) ^ Mix(unchecked((ulong)draw)));
        var itemId = ids[(int)Math.BigMul(bits, (ulong)ids.Count, out _)]; // high 64 bits of bits × count: uniform index
        var modelFirst = (Mix(bits) & 1) == 1;
        var expires = now + (long)Hold.TotalMilliseconds;
        var publicId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Execute(connection, transaction, """
            INSERT INTO showings(public_id, item_id, annotator_id, model_first, shown_ms, expires_ms) VALUES ($p, $i, $a, $m, $now, $e)
            """, ("$p", publicId), ("$i", itemId), ("$a", annotator), ("$m", modelFirst ? 1 : 0), ("$now", now), ("$e", expires));
        return new StudyShowing(publicId, ReadItem(connection, transaction, itemId), modelFirst,
            DateTimeOffset.FromUnixTimeMilliseconds(now), DateTimeOffset.FromUnixTimeMilliseconds(expires));
    }

    private static StudyItem ReadItem(SqliteConnection connection, SqliteTransaction transaction, long id)
    {
        using var command = Command(connection, transaction, """
            SELECT id, comparison, model, seed, context_set, context_index, source_line, length, context, original, generated,
                   generated_ttr, original_ttr
            FROM items WHERE id = $i
            """, ("$i", id));
        using var reader = command.ExecuteReader();
        reader.Read();
        return StudyDatabase.ItemFrom(reader, 0);
    }

    /// <summary>SplitMix64's finaliser: a well-mixed 64-bit hash.</summary>
    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private T Guard<T>(Func<SqliteConnection, T> work)
    {
        try
        {
            using var connection = Open();
            return work(connection);
        }
        catch (SqliteException e)
        {
            throw StudyDatabase.Explain(e, StudyDatabase.PathIn(_directory));
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static long? ScalarLong(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteScalar() switch
        {
            null or DBNull => null,
            var value => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        };
    }
}
