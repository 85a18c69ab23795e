using System.Buffers.Binary;
using System.Runtime.Versioning;
using Hyperfit.Runtime;
using TorchSharp;

namespace Hyperfit.Tests.Runtime;

public sealed class LibStdCxxCompatTests
{
    private static string PristineTorchSharpLibrary()
    {
        // The NuGet cache holds the file as shipped; the build output may already be patched.
        var home = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                   ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var version = typeof(torch).Assembly.GetName().Version!;
        var path = Path.Combine(home, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", "linux-x64", "native",
            LibStdCxxCompat.TorchSharpNativeFile);
        Assert.True(File.Exists(path), $"pristine {path} not found (restore puts it there)");
        return path;
    }

    [Fact]
    public void Should_load_TorchSharp_and_compute()
    {
        // Given the build's copy of the native library (and the test assembly's HyperfitRuntime.Initialize() check),
        // when TorchSharp computes, then the native library is loaded.
        using var x = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var sum = x.sum();
        Assert.Equal(15f, sum.item<float>());
    }

    [LinuxFact]
    public void Should_report_versions_the_host_libstdcxx_defines()
    {
        // Every libstdc++ since GCC 4 defines GLIBCXX_3.4 and no real one defines a version 9.9.
        Assert.True(HostLibStdCxx.Defines("libstdc++.so.6", "_ZNSt8ios_baseD2Ev", "GLIBCXX_3.4"));
        Assert.False(HostLibStdCxx.Defines("libstdc++.so.6", "_ZNSt8ios_baseD2Ev", "GLIBCXX_9.9"));
        Assert.False(HostLibStdCxx.Defines("libdoes-not-exist.so.1", "x", "V_1"));
    }

    [LinuxFact]
    public void Should_mark_the_GLIBCXX_3_4_32_requirement_weak_and_nothing_else()
    {
        var original = File.ReadAllBytes(PristineTorchSharpLibrary());
        var (required, weak) = ElfVersionNeedPatcher.InspectVersionNeed(original, "libstdc++.so.6", "GLIBCXX_3.4.32");
        Assert.True(required);
        Assert.False(weak);

        var patched = (byte[])original.Clone();
        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionNeedPatcher.WeakenVersionNeed(patched, "libstdc++.so.6", "GLIBCXX_3.4.32"));
        Assert.Equal((true, true), ElfVersionNeedPatcher.InspectVersionNeed(patched, "libstdc++.so.6", "GLIBCXX_3.4.32"));
        // Exactly one byte differs: the low byte of vna_flags.
        var diffs = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.Single(diffs);
        Assert.Equal(0x2, patched[diffs[0]] ^ original[diffs[0]]);
        // Other requirements are untouched.
        Assert.Equal((true, false), ElfVersionNeedPatcher.InspectVersionNeed(patched, "libstdc++.so.6", "GLIBCXX_3.4.30"));

        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeedPatcher.WeakenVersionNeed(patched, "libstdc++.so.6", "GLIBCXX_3.4.32"));
        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionNeedPatcher.WeakenVersionNeed(patched, "libstdc++.so.6", "GLIBCXX_9.9"));
    }

    [LinuxFact]
    public void Should_refuse_to_weaken_a_version_whose_symbol_a_relocation_uses()
    {
        // GLIBCXX_3.4 provides ios_base::~ios_base, which libLibTorchSharp.so calls through a JUMP_SLOT relocation.
        var image = File.ReadAllBytes(PristineTorchSharpLibrary());
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.WeakenVersionNeed(image, "libstdc++.so.6", "GLIBCXX_3.4"));
        Assert.Contains("relocation", e.Message, StringComparison.Ordinal);
    }

    [LinuxFact]
    [SupportedOSPlatform("linux")]
    public void Should_write_a_weakened_copy_atomically_and_leave_the_source_alone()
    {
        // Given TorchSharp's file as NuGet ships it
        var source = PristineTorchSharpLibrary();
        var sourceBytes = File.ReadAllBytes(source);
        var sourceStamp = File.GetLastWriteTimeUtc(source);
        var dir = Directory.CreateTempSubdirectory("hyperfit-elf-");
        try
        {
            // When the build step writes its adapted copy twice (into a folder it has to create)
            var copy = Path.Combine(dir.FullName, "obj", LibStdCxxCompat.TorchSharpNativeFile);
            Assert.Equal(ElfPatchOutcome.Patched, TorchSharpNativeAdapter.WriteAdaptedCopy(source, copy, weaken: true));
            Assert.Equal(ElfPatchOutcome.Patched, TorchSharpNativeAdapter.WriteAdaptedCopy(source, copy, weaken: true));

            // Then the copy is weak, keeps the file mode, no temp file is left, and the source is untouched
            Assert.Equal((true, true), ElfVersionNeedPatcher.InspectVersionNeed(File.ReadAllBytes(copy), "libstdc++.so.6", "GLIBCXX_3.4.32"));
            Assert.Equal(File.GetUnixFileMode(source), File.GetUnixFileMode(copy));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(copy)!));
            Assert.Equal(sourceBytes, File.ReadAllBytes(source));
            Assert.Equal(sourceStamp, File.GetLastWriteTimeUtc(source));

            // And without weakening the copy is byte for byte the source
            Assert.Null(TorchSharpNativeAdapter.WriteAdaptedCopy(source, copy, weaken: false));
            Assert.Equal(sourceBytes, File.ReadAllBytes(copy));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [LinuxFact]
    public void Should_explain_in_one_line_a_native_library_that_this_host_cannot_load()
    {
        var dir = Directory.CreateTempSubdirectory("hyperfit-elf-");
        try
        {
            // Given TorchSharp's file as shipped and the build's weakened copy
            var strong = Path.Combine(dir.FullName, "strong", LibStdCxxCompat.TorchSharpNativeFile);
            Directory.CreateDirectory(Path.GetDirectoryName(strong)!);
            File.Copy(PristineTorchSharpLibrary(), strong);
            var weak = Path.Combine(dir.FullName, "weak", LibStdCxxCompat.TorchSharpNativeFile);
            TorchSharpNativeAdapter.WriteAdaptedCopy(strong, weak, weaken: true);
            var strongStamp = File.GetLastWriteTimeUtc(strong);

            // When each is diagnosed for a host without GLIBCXX_3.4.32
            var problem = LibStdCxxCompat.Diagnose([strong]);

            // Then the shipped file gets one line naming it, the version and the fix; the weak copy passes; nothing is written
            Assert.NotNull(problem);
            Assert.DoesNotContain("\n", problem, StringComparison.Ordinal);
            Assert.StartsWith(strong + " requires GLIBCXX_3.4.32 of libstdc++.so.6", problem, StringComparison.Ordinal);
            Assert.Contains("dotnet build", problem, StringComparison.Ordinal);
            Assert.Contains("docs/torchsharp-on-debian12.md", problem, StringComparison.Ordinal);
            Assert.Null(LibStdCxxCompat.Diagnose([weak]));
            Assert.Null(LibStdCxxCompat.Diagnose([Path.Combine(dir.FullName, "missing.so")]));
            Assert.Equal(strongStamp, File.GetLastWriteTimeUtc(strong));
            Assert.Equal(File.ReadAllBytes(PristineTorchSharpLibrary()), File.ReadAllBytes(strong));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [LinuxFact]
    public void Should_have_the_build_put_an_adapted_copy_in_the_output_and_leave_the_NuGet_cache_alone()
    {
        // Given this test assembly's own output folder, built by build/TorchSharpNative.targets in its default (auto) mode
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", LibStdCxxCompat.TorchSharpNativeFile);
        var built = File.ReadAllBytes(output);
        var pristine = File.ReadAllBytes(PristineTorchSharpLibrary());

        // Then the NuGet cache still holds TorchSharp's file with a strong requirement, and the output holds a copy that is
        // weak exactly when this host's libstdc++ lacks GLIBCXX_3.4.32 (else byte-identical: the documented no-op)
        Assert.Equal((true, false), ElfVersionNeedPatcher.InspectVersionNeed(pristine, "libstdc++.so.6", "GLIBCXX_3.4.32"));
        if (HostLibStdCxx.HasRequiredVersion())
        {
            Assert.Equal(pristine, built);
        }
        else
        {
            Assert.Equal((true, true), ElfVersionNeedPatcher.InspectVersionNeed(built, "libstdc++.so.6", "GLIBCXX_3.4.32"));
            Assert.Single(Enumerable.Range(0, pristine.Length), i => pristine[i] != built[i]);
        }

        Assert.Null(LibStdCxxCompat.Diagnose([output]));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "not an ELF file")]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1 }, "not an ELF file")]
    public void Should_reject_files_that_are_not_ELF64(byte[] bytes, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.WeakenVersionNeed(bytes, "libstdc++.so.6", "GLIBCXX_3.4.32"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_a_truncated_section_table()
    {
        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = 2;
        header[5] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(0x28), 1_000_000);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x3A), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x3C), 3);
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.WeakenVersionNeed(header, "libstdc++.so.6", "GLIBCXX_3.4.32"));
        Assert.Contains("section header", e.Message, StringComparison.Ordinal);
    }
}
