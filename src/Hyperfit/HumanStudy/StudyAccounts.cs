using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Hyperfit.HumanStudy;

/// <summary>
/// Accounts of a study (Appendix A: "annotators could log in to their individual accounts"). Each account has a personal
/// secret token, handed out once as a link; the database keeps only its SHA-256, so a copied database opens no session.
/// </summary>
public static class StudyAccounts
{
    /// <summary>Characters of the token hash a session carries (see <see cref="StudyAccount.Stamp"/>).</summary>
    public const int StampLength = 16;

    private const int MaxNameLength = 64;

    /// <summary>Creates an account and returns its token (shown once). With <paramref name="reissue"/> an existing account
    /// of that name gets a new token (the old link and its sessions stop working) and is un-revoked.</summary>
    /// <exception cref="ArgumentException">A bad name, or the name exists and <paramref name="reissue"/> is false.</exception>
    public static string Invite(string studyDirectory, string name, StudyRole role, bool reissue = false, TimeProvider? clock = null)
    {
        CheckName(name);
        var token = NewToken();
        var now = (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        using var connection = StudyDatabase.Open(studyDirectory);
        try
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var existing = Query(connection, "name = $key", name, transaction, liveOnly: false);
            if (existing is not null && !reissue)
            {
                throw new ArgumentException($"name: the study already has an account '{name}' (reissue its link to replace the token)", nameof(name));
            }

            if (existing is not null && existing.Role != role)
            {
                throw new ArgumentException($"name: '{name}' is an {Lower(existing.Role)} account, not an {Lower(role)} one", nameof(name));
            }

            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = existing is null
                ? "INSERT INTO annotators(name, role, token_sha256, created_ms) VALUES ($name, $role, $hash, $now)"
                : "UPDATE annotators SET token_sha256 = $hash, revoked_ms = NULL WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$role", Lower(role));
            command.Parameters.AddWithValue("$hash", Hash(token));
            command.Parameters.AddWithValue("$now", now);
            command.ExecuteNonQuery();
            transaction.Commit();
        }
        catch (SqliteException e)
        {
            throw StudyDatabase.Explain(e, StudyDatabase.PathIn(studyDirectory));
        }

        return token;
    }

    /// <summary>Revokes an account: its link and open sessions stop working at once; its votes stay.</summary>
    /// <exception cref="ArgumentException">No account of that name.</exception>
    public static void Revoke(string studyDirectory, string name, TimeProvider? clock = null)
    {
        using var connection = StudyDatabase.Open(studyDirectory);
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE annotators SET revoked_ms = COALESCE(revoked_ms, $now) WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$now", (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds());
            if (command.ExecuteNonQuery() == 0)
            {
                throw new ArgumentException($"name: the study has no account '{name}'", nameof(name));
            }
        }
        catch (SqliteException e)
        {
            throw StudyDatabase.Explain(e, StudyDatabase.PathIn(studyDirectory));
        }
    }

    /// <summary>The live account a token belongs to, or null (unknown or revoked).</summary>
    public static StudyAccount? Authenticate(SqliteConnection connection, string? token)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (string.IsNullOrEmpty(token) || token.Length > 256)
        {
            return null;
        }

        return Query(connection, "token_sha256 = $key", Hash(token));
    }

    /// <summary>The live account of a session (its id and stamp), or null when revoked or its token was reissued.</summary>
    public static StudyAccount? FromSession(SqliteConnection connection, long id, string? stamp)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var account = Query(connection, "id = $key", id);
        return account is not null && stamp is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(account.Stamp), Encoding.ASCII.GetBytes(stamp)) ? account : null;
    }

    /// <summary>Every account (revoked ones included) with its vote count, for the admin page.</summary>
    public static IReadOnlyList<(string Name, StudyRole Role, bool Revoked, long Votes)> List(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT a.name, a.role, a.revoked_ms IS NOT NULL, (SELECT COUNT(*) FROM votes v WHERE v.annotator_id = a.id)
            FROM annotators a ORDER BY a.name
            """;
        using var reader = command.ExecuteReader();
        var list = new List<(string, StudyRole, bool, long)>();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), ParseRole(reader.GetString(1)), reader.GetInt64(2) == 1, reader.GetInt64(3)));
        }

        return list;
    }

    /// <summary>SHA-256 of a token, lowercase hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static StudyAccount? Query(SqliteConnection connection, string where, object key, SqliteTransaction? transaction = null, bool liveOnly = true)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT id, name, role, token_sha256 FROM annotators WHERE {where}" + (liveOnly ? " AND revoked_ms IS NULL" : "");
        command.Parameters.AddWithValue("$key", key);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new StudyAccount(reader.GetInt64(0), reader.GetString(1), ParseRole(reader.GetString(2)), reader.GetString(3)[..StampLength])
            : null;
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl) || name != name.Trim())
        {
            throw new ArgumentException($"name: '{name}' is not an account name (1–{MaxNameLength} characters, no control characters, no outer spaces)", nameof(name));
        }
    }

    /// <summary>256 random bits, URL-safe base64 (43 characters).</summary>
    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Lower(StudyRole role) => role == StudyRole.Admin ? "admin" : "annotator";

    private static StudyRole ParseRole(string text) => text == "admin" ? StudyRole.Admin : StudyRole.Annotator;
}
