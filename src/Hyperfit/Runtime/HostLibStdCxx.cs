using System.Runtime.InteropServices;

namespace Hyperfit.Runtime;

/// <summary>What this process's libstdc++ provides, asked through the dynamic loader (<c>dlopen</c> + <c>dlvsym</c>).</summary>
/// <remarks>Shared with the build step that adapts TorchSharp's native library (build/Hyperfit.TorchSharpPatch links this
/// file), so build and run time decide the same way. See docs/torchsharp-on-debian12.md.</remarks>
public static partial class HostLibStdCxx
{
    public const string LibraryName = "libstdc++.so.6";

    /// <summary>The version TorchSharp 0.107's <c>libLibTorchSharp.so</c> requires (GCC 13).</summary>
    public const string RequiredVersion = "GLIBCXX_3.4.32";

    /// <summary>The one symbol of <see cref="RequiredVersion"/>: <c>std::ios_base_library_init()</c>.</summary>
    public const string VersionSymbol = "_ZSt21ios_base_library_initv";

    /// <summary>Whether the host's libstdc++ defines <see cref="RequiredVersion"/>. True off Linux (no libstdc++ question
    /// there), false when libstdc++ cannot be opened.</summary>
    public static bool HasRequiredVersion() =>
        !OperatingSystem.IsLinux() || Defines(LibraryName, VersionSymbol, RequiredVersion);

    /// <summary>Whether the process can bind <paramref name="symbol"/> at <paramref name="version"/> from
    /// <paramref name="library"/> (dlvsym). False when the library cannot be opened.</summary>
    public static bool Defines(string library, string symbol, string version)
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
