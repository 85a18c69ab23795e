using System.Reflection;
using System.Runtime.InteropServices;

namespace Hyperfit.Runtime;

/// <summary>
/// Makes TorchSharp's native library load on hosts whose libstdc++ predates GCC 13 (Debian 12: GLIBCXX_3.4.30).
/// </summary>
/// <remarks>
/// This is the project's one fix for that problem (see docs/torchsharp-on-debian12.md). Before TorchSharp
/// initialises, it asks the process's own libstdc++ whether it defines
/// <c>std::ios_base_library_init()@GLIBCXX_3.4.32</c>. If it does, nothing happens. If it does not, every
/// <c>libLibTorchSharp.so</c> next to TorchSharp.dll gets its GLIBCXX_3.4.32 requirement marked weak
/// (<see cref="ElfVersionNeedPatcher"/>), written atomically (temp file + rename). The patched file still
/// works on new hosts, so the change is harmless if the build folder moves to another machine.
/// </remarks>
public static partial class LibStdCxxCompat
{
    public const string LibraryName = "libstdc++.so.6";
    public const string RequiredVersion = "GLIBCXX_3.4.32";
    public const string VersionSymbol = "_ZSt21ios_base_library_initv";
    public const string TorchSharpNativeFile = "libLibTorchSharp.so";

    private static readonly Lock Gate = new();
    private static bool s_done;
    private static IOException? s_failure;

    /// <summary>Files patched by the last <see cref="EnsureTorchSharpLoadable"/> call (for diagnostics).</summary>
    public static IReadOnlyList<string> PatchedFiles { get; private set; } = [];

    /// <summary>Idempotent; cheap after the first call.</summary>
    public static void EnsureTorchSharpLoadable()
    {
        lock (Gate)
        {
            if (!s_done)
            {
                s_done = true;
                try
                {
                    PatchedFiles = PatchIfNeeded();
                }
                catch (IOException e)
                {
                    s_failure = e;
                }
            }

            if (s_failure is not null)
            {
                throw new IOException(s_failure.Message, s_failure);
            }
        }
    }

    private static List<string> PatchIfNeeded()
    {
        var patched = new List<string>();
        if (!OperatingSystem.IsLinux() || HostDefines(LibraryName, VersionSymbol, RequiredVersion))
        {
            return patched;
        }

        foreach (var file in CandidateFiles())
        {
            if (PatchFile(file))
            {
                patched.Add(file);
            }
        }

        return patched;
    }

    /// <summary>Whether the process can bind <paramref name="symbol"/> at <paramref name="version"/> from
    /// <paramref name="library"/> (dlvsym). False when the library cannot be opened.</summary>
    public static bool HostDefines(string library, string symbol, string version)
    {
        var handle = Dl.Open(library);
        if (handle == IntPtr.Zero)
        {
            return false;
        }

        try
        {
            return Dl.VersionedSymbol(handle, symbol, version) != IntPtr.Zero;
        }
        finally
        {
            Dl.Close(handle);
        }
    }

    /// <summary>Patches one file in place if it needs it; returns whether it changed.</summary>
    /// <exception cref="IOException">The file cannot be read or replaced; the message names it.</exception>
    public static bool PatchFile(string path)
    {
        byte[] image;
        try
        {
            image = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot read TorchSharp's native library: {e.Message}", e);
        }

        ElfPatchOutcome outcome;
        try
        {
            outcome = ElfVersionNeedPatcher.WeakenVersionNeed(image, LibraryName, RequiredVersion);
        }
        catch (InvalidDataException e)
        {
            throw new IOException($"{path}: cannot adapt TorchSharp's native library to this libstdc++: {e.Message}", e);
        }

        if (outcome != ElfPatchOutcome.Patched)
        {
            return false;
        }

        var original = File.GetLastWriteTimeUtc(path);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temp, image);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            }

            // Keep the timestamp so MSBuild's incremental copy treats the file as up to date.
            File.SetLastWriteTimeUtc(temp, original);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new IOException(
                $"{path}: needs patching for this host's libstdc++ (no {RequiredVersion}) but cannot be replaced: {e.Message}", e);
        }

        return true;
    }

    private static IEnumerable<string> CandidateFiles()
    {
        var roots = new HashSet<string>(StringComparer.Ordinal) { AppContext.BaseDirectory };
        var torchSharpDir = Path.GetDirectoryName(TorchSharpAssemblyLocation());
        if (!string.IsNullOrEmpty(torchSharpDir))
        {
            roots.Add(torchSharpDir);
        }

        foreach (var root in roots)
        {
            // TorchSharp looks next to its assembly (RID-specific builds), under runtimes/<rid>/native
            // (portable builds) and, as a last resort, in the cpu/ or cuda-*/ folders it consolidates itself.
            string[] candidates =
            [
                Path.Combine(root, TorchSharpNativeFile),
                Path.Combine(root, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", TorchSharpNativeFile),
                Path.Combine(root, "runtimes", "linux-x64", "native", TorchSharpNativeFile),
                Path.Combine(root, "runtimes", "linux-arm64", "native", TorchSharpNativeFile),
                Path.Combine(root, "cpu", TorchSharpNativeFile),
            ];
            foreach (var candidate in candidates.Distinct(StringComparer.Ordinal).Where(File.Exists))
            {
                yield return candidate;
            }

            foreach (var cudaDir in SafeDirectories(root, "cuda-*"))
            {
                var candidate = Path.Combine(cudaDir, TorchSharpNativeFile);
                if (File.Exists(candidate))
                {
                    yield return candidate;
                }
            }
        }
    }

    private static string TorchSharpAssemblyLocation()
    {
        // typeof() does not run TorchSharp's static constructor, which is what would load the native code.
        Assembly assembly = typeof(TorchSharp.torch).Assembly;
        return assembly.Location;
    }

    private static string[] SafeDirectories(string root, string pattern)
    {
        try
        {
            return Directory.GetDirectories(root, pattern);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temp file is harmless.
        }
    }

    private static partial class Dl
    {
        private const int RtldLazy = 0x1;

        public static IntPtr Open(string library)
        {
            try
            {
                return dlopen(library, RtldLazy);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return IntPtr.Zero;
            }
        }

        public static IntPtr VersionedSymbol(IntPtr handle, string symbol, string version)
        {
            try
            {
                return dlvsym(handle, symbol, version);
            }
            catch (EntryPointNotFoundException)
            {
                // glibc before 2.34 keeps dlvsym in libdl.
                return dlvsym_libdl(handle, symbol, version);
            }
        }

        public static void Close(IntPtr handle)
        {
            try
            {
                _ = dlclose(handle);
            }
            catch (EntryPointNotFoundException)
            {
                _ = dlclose_libdl(handle);
            }
        }

        [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
        private static partial IntPtr dlopen(string file, int mode);

        [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
        private static partial IntPtr dlvsym(IntPtr handle, string symbol, string version);

        [LibraryImport("libc.so.6")]
        private static partial int dlclose(IntPtr handle);

        [LibraryImport("libdl.so.2", EntryPoint = "dlvsym", StringMarshalling = StringMarshalling.Utf8)]
        private static partial IntPtr dlvsym_libdl(IntPtr handle, string symbol, string version);

        [LibraryImport("libdl.so.2", EntryPoint = "dlclose")]
        private static partial int dlclose_libdl(IntPtr handle);
    }
}
