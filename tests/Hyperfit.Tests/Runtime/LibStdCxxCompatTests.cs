using System.Buffers.Binary;
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
        // Given the module initializer ran, when TorchSharp computes, then the native library is loaded.
        using var x = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var sum = x.sum();
        Assert.Equal(15f, sum.item<float>());
    }

    [LinuxFact]
    public void Should_report_versions_the_host_libstdcxx_defines()
    {
        // Every libstdc++ since GCC 4 defines GLIBCXX_3.4 and no real one defines a version 9.9.
        Assert.True(LibStdCxxCompat.HostDefines("libstdc++.so.6", "_ZNSt8ios_baseD2Ev", "GLIBCXX_3.4"));
        Assert.False(LibStdCxxCompat.HostDefines("libstdc++.so.6", "_ZNSt8ios_baseD2Ev", "GLIBCXX_9.9"));
        Assert.False(LibStdCxxCompat.HostDefines("libdoes-not-exist.so.1", "x", "V_1"));
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
    public void Should_patch_a_copy_on_disk_atomically_and_be_idempotent()
    {
        var dir = Directory.CreateTempSubdirectory("hyperfit-elf-");
        try
        {
            var copy = Path.Combine(dir.FullName, LibStdCxxCompat.TorchSharpNativeFile);
            File.Copy(PristineTorchSharpLibrary(), copy);
            var stamp = File.GetLastWriteTimeUtc(copy);
            Assert.True(LibStdCxxCompat.PatchFile(copy));
            Assert.False(LibStdCxxCompat.PatchFile(copy));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy));
            Assert.Single(Directory.GetFiles(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
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
