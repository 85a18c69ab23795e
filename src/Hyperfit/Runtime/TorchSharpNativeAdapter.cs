namespace Hyperfit.Runtime;

/// <summary>The build step that makes TorchSharp's <c>libLibTorchSharp.so</c> loadable on hosts whose libstdc++ predates
/// GCC 13: writes a copy with its <see cref="HostLibStdCxx.RequiredVersion"/> requirement marked weak.</summary>
/// <remarks>Run by MSBuild (build/TorchSharpNative.targets through build/Hyperfit.TorchSharpPatch, which links this file)
/// into <c>obj/</c>, from where the ordinary copy puts it into <c>bin/</c> and publish folders. Nothing calls it at run
/// time: a running Hyperfit never rewrites a file (<see cref="LibStdCxxCompat"/> only detects and explains). The NuGet
/// cache's file is only read. See docs/torchsharp-on-debian12.md.</remarks>
public static class TorchSharpNativeAdapter
{
    /// <summary>Writes <paramref name="source"/> to <paramref name="destination"/> (temp file + rename, file mode kept),
    /// with the GLIBCXX_3.4.32 requirement marked weak when <paramref name="weaken"/> is set, else byte for byte.</summary>
    /// <returns>What was done to the copy; null when it was not asked to weaken.</returns>
    /// <exception cref="IOException">The source cannot be read or adapted, or the destination cannot be written; the
    /// message names the file.</exception>
    public static ElfPatchOutcome? WriteAdaptedCopy(string source, string destination, bool weaken)
    {
        byte[] image;
        try
        {
            image = File.ReadAllBytes(source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{source}: cannot read TorchSharp's native library: {e.Message}", e);
        }

        ElfPatchOutcome? outcome = null;
        if (weaken)
        {
            try
            {
                outcome = ElfVersionNeedPatcher.WeakenVersionNeed(image, HostLibStdCxx.LibraryName, HostLibStdCxx.RequiredVersion);
            }
            catch (InvalidDataException e)
            {
                throw new IOException($"{source}: cannot adapt TorchSharp's native library to libstdc++ without {HostLibStdCxx.RequiredVersion}: {e.Message}", e);
            }
        }

        var temp = $"{destination}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
            File.WriteAllBytes(temp, image);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(source));
            }

            File.Move(temp, destination, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new IOException($"{destination}: cannot write TorchSharp's native library: {e.Message}", e);
        }

        return outcome;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temp file in obj/ is harmless.
        }
    }
}
