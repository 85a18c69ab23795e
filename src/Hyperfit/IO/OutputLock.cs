using System.Globalization;
using System.Text.RegularExpressions;

namespace Hyperfit.IO;

/// <summary>
/// One writer per output folder: an exclusive lock (<c>flock</c> through .NET's <see cref="FileShare.None"/>) on
/// <c>FOLDER/.hyperfit.lock</c>, held for the life of the process's work and released by the kernel if the process dies.
/// A second writer is refused with one line naming the folder and the holder (from <c>.hyperfit.lock.owner</c>).
/// A shared lock (<see cref="AcquireShared"/>) lets several readers-that-write-safely (the study server, whose writes are
/// SQLite transactions) run together while keeping an exclusive writer (a rebuild) out.
/// <para>Holding the exclusive lock means no live Hyperfit writer is in the folder, so every temporary file of an
/// atomic write found there belongs to a dead one: <see cref="RemoveDebris"/> deletes them.</para>
/// </summary>
public sealed partial class OutputLock : IDisposable
{
    public const string FileName = ".hyperfit.lock";
    public const string OwnerFileName = ".hyperfit.lock.owner";

    private readonly FileStream _stream;
    private readonly string _ownerFile;

    /// <summary>Null for a folder's lock; the locked files' names for <see cref="AcquireFile"/>.</summary>
    private readonly IReadOnlyList<string>? _files;

    private OutputLock(string directory, FileStream stream, bool exclusive, string ownerFile, IReadOnlyList<string>? files)
    {
        Directory = directory;
        _stream = stream;
        Exclusive = exclusive;
        _ownerFile = ownerFile;
        _files = files;
    }

    /// <summary>The locked folder (full path).</summary>
    public string Directory { get; }

    public bool Exclusive { get; }

    /// <summary>Takes the folder's exclusive lock (creating the folder).</summary>
    /// <param name="purpose">What holds it, for the refusal message of a second writer (e.g. <c>hyperfit train</c>).</param>
    /// <exception cref="IOException">Another process holds the lock, or the path is a file.</exception>
    public static OutputLock Acquire(string directory, string purpose) => Take(directory, purpose, exclusive: true);

    /// <summary>Takes the folder's shared lock: compatible with other shared holders, not with an exclusive one.</summary>
    public static OutputLock AcquireShared(string directory, string purpose) => Take(directory, purpose, exclusive: false);

    /// <summary>
    /// One writer per output file, for jobs that write a file into a folder they do not own (<c>generate --out
    /// FILE.jsonl</c>, <c>evaluate --out metrics.json</c>): an exclusive lock on <c>.NAME.hyperfit.lock</c> beside the
    /// file (creating its folder), so two writers of one file are refused while writers of other files in the same
    /// folder are not. <paramref name="companions"/> are further files the job writes under the same lock (metrics.md).
    /// </summary>
    /// <exception cref="IOException">Another process writes the file, or the path is a folder.</exception>
    public static OutputLock AcquireFile(string path, string purpose, params string[] companions)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(companions);
        var full = Path.GetFullPath(path);
        if (System.IO.Directory.Exists(full))
        {
            throw new IOException($"{path}: is a folder, not a file");
        }

        var folder = Path.GetDirectoryName(full)!;
        if (File.Exists(folder))
        {
            throw new IOException($"{Path.GetDirectoryName(path)}: is a file, not a folder");
        }

        System.IO.Directory.CreateDirectory(folder);
        var name = Path.GetFileName(full);
        var lockPath = Path.Combine(folder, $".{name}{FileName}");
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"{path}: being written by another Hyperfit process ({Holder(lockPath + ".owner")}); wait for it to finish or stop it", e);
        }

        var owner = lockPath + ".owner";
        WriteOwner(owner, purpose);
        return new OutputLock(folder, stream, exclusive: true, owner, [name, .. companions.Select(Path.GetFileName).OfType<string>()]);
    }

    /// <summary>Deletes the temporary files and folders of interrupted atomic writes under the folder (recursively) and
    /// returns their paths. Only with the exclusive lock: then no live writer can own them.</summary>
    public IReadOnlyList<string> RemoveDebris()
    {
        if (!Exclusive)
        {
            throw new InvalidOperationException("debris is removed only under the exclusive lock");
        }

        var removed = new List<string>();
        var entries = _files is null
            ? new DirectoryInfo(Directory).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).ToList()
            : [.. new DirectoryInfo(Directory).EnumerateFileSystemInfos("*", SearchOption.TopDirectoryOnly).Where(e => _files.Any(f => IsDebrisOf(e.Name, f)))];
        foreach (var entry in entries)
        {
            if (!IsDebris(entry.Name) || !entry.Exists)
            {
                continue;
            }

            if (entry is DirectoryInfo folder)
            {
                folder.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }

            removed.Add(entry.FullName);
        }

        return removed;
    }

    /// <summary>A name written by one of Hyperfit's atomic writers before its rename: <c>.NAME.PID.tmp</c>,
    /// <c>.NAME.GUID.tmp</c>, <c>.NAME.PID.GUID.tmp.png</c>, <c>NAME.PID.tmp</c>, <c>ckpt.tmp-PID</c>, <c>checkpoint.old-PID</c>
    /// is not debris (the resumable fallback of an interrupted checkpoint swap).</summary>
    public static bool IsDebris(string name) => DebrisName().IsMatch(name);

    /// <summary>A temporary file of an atomic write of <paramref name="file"/> (<c>.FILE.PID.tmp</c>, <c>.FILE.GUID.tmp</c>).</summary>
    private static bool IsDebrisOf(string name, string file) =>
        name.StartsWith($".{file}.", StringComparison.Ordinal) && name.EndsWith(".tmp", StringComparison.Ordinal) && IsDebris(name);

    public void Dispose()
    {
        if (Exclusive)
        {
            try
            {
                File.Delete(_ownerFile);
            }
            catch (IOException)
            {
                // Best effort: a stale owner file is harmless (the lock, not the file, decides).
            }
        }

        _stream.Dispose();
    }

    private static OutputLock Take(string directory, string purpose, bool exclusive)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var full = Path.GetFullPath(directory);
        if (File.Exists(full))
        {
            throw new IOException($"{directory}: is a file, not a folder");
        }

        System.IO.Directory.CreateDirectory(full);
        var path = Path.Combine(full, FileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, exclusive ? FileShare.None : FileShare.ReadWrite);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"{directory}: in use by another Hyperfit process ({Holder(Path.Combine(full, OwnerFileName))}); wait for it to finish or stop it", e);
        }

        var owner = Path.Combine(full, OwnerFileName);
        if (exclusive)
        {
            WriteOwner(owner, purpose);
        }

        return new OutputLock(full, stream, exclusive, owner, files: null);
    }

    private static void WriteOwner(string path, string purpose) =>
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture,
            $"pid {Environment.ProcessId}: {purpose}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC\n"));

    /// <summary>The exclusive holder's line, if its process is alive (a shared holder writes none, and a crashed
    /// exclusive holder's line is stale).</summary>
    private static string Holder(string ownerFile)
    {
        try
        {
            var owner = File.ReadAllText(ownerFile).Trim();
            var match = OwnerPid().Match(owner);
            return match.Success && IsAlive(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)) ? owner : "a shared holder such as 'hyperfit annotate serve'";
        }
        catch (IOException)
        {
            return "a shared holder such as 'hyperfit annotate serve'";
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^pid (\d+):")]
    private static partial Regex OwnerPid();

    [GeneratedRegex(@"^(\..+\.(\d+|[0-9a-f]{32})\.tmp|\..+\.\d+\.[0-9a-f]{32}\.tmp\.png|[^.].*\.\d+\.tmp|ckpt\.tmp-\d+)$")]
    private static partial Regex DebrisName();
}
