using System.Reflection;
using System.Runtime.InteropServices;

namespace Hyperfit.Runtime;

/// <summary>
/// Checks, before TorchSharp loads, that its native library will load on this host, and says why not if it will not.
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> requires <c>GLIBCXX_3.4.32</c> (GCC 13); Debian 12's libstdc++ stops at
/// 3.4.30. Hyperfit's build copies the file into its output with that requirement marked weak
/// (<see cref="TorchSharpNativeAdapter"/>, build/TorchSharpNative.targets). At run time nothing is written: this class
/// only reads. On a host whose libstdc++ has the version it does nothing at all. See docs/torchsharp-on-debian12.md.
/// </remarks>
public static class LibStdCxxCompat
{
    public const string TorchSharpNativeFile = "libLibTorchSharp.so";

    private static readonly Lock Gate = new();
    private static bool s_checked;
    private static string? s_problem;

    /// <summary>Idempotent; cheap after the first call.</summary>
    /// <exception cref="IOException">TorchSharp's native library requires a libstdc++ version this host lacks; the
    /// one-line message names the file and the fix.</exception>
    public static void EnsureTorchSharpLoadable()
    {
        lock (Gate)
        {
            if (!s_checked)
            {
                s_checked = true;
                s_problem = HostLibStdCxx.HasRequiredVersion() ? null : Diagnose(CandidateFiles());
            }

            if (s_problem is not null)
            {
                throw new IOException(s_problem);
            }
        }
    }

    /// <summary>On a host without <see cref="HostLibStdCxx.RequiredVersion"/>: the explanation for the first of
    /// <paramref name="candidates"/> that still requires it strongly (the file as NuGet ships it), or null when every
    /// existing one is loadable. Unreadable files are left to TorchSharp's own error.</summary>
    internal static string? Diagnose(IEnumerable<string> candidates)
    {
        foreach (var path in candidates)
        {
            byte[] image;
            try
            {
                image = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            bool required, weak;
            try
            {
                (required, weak) = ElfVersionNeedPatcher.InspectVersionNeed(image, HostLibStdCxx.LibraryName, HostLibStdCxx.RequiredVersion);
            }
            catch (InvalidDataException)
            {
                continue;
            }

            if (required && !weak)
            {
                return $"{path} requires {HostLibStdCxx.RequiredVersion} of {HostLibStdCxx.LibraryName}, which this host's libstdc++ "
                       + "lacks (it predates GCC 13): run Hyperfit from a build of this repository (`dotnet build`, `./hyperfit` or "
                       + "`dotnet pack`), whose output holds a loadable copy (docs/torchsharp-on-debian12.md), or install a libstdc++ from GCC 13 or newer";
            }
        }

        return null;
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
}
