using System.Buffers.Binary;
using System.Text;

namespace Hyperfit.Runtime;

/// <summary>What <see cref="ElfVersionNeedPatcher.WeakenVersionNeed"/> did to an ELF image.</summary>
public enum ElfPatchOutcome
{
    /// <summary>The version requirement was found and marked weak.</summary>
    Patched,
    /// <summary>The requirement was already weak: nothing to do.</summary>
    AlreadyWeak,
    /// <summary>The image does not require that version of that library at all.</summary>
    NotRequired,
}

/// <summary>
/// Marks one symbol-version requirement of an ELF64 shared object as weak (VER_FLG_WEAK in .gnu.version_r).
/// </summary>
/// <remarks>
/// Why this exists: TorchSharp 0.107's libLibTorchSharp.so was linked against GCC 13's libstdc++ and so
/// requires version GLIBCXX_3.4.32, whose only symbol is <c>std::ios_base_library_init()</c>. GCC 13's
/// &lt;iostream&gt; merely names that symbol (a <c>.globl</c> reference so the linker picks a libstdc++ that
/// initialises the standard streams itself); no relocation uses it. With the requirement marked weak,
/// glibc's loader accepts a libstdc++ that lacks the version (Debian 12 ships up to GLIBCXX_3.4.30) and
/// never has to bind the symbol. To stay safe the patcher refuses when any dynamic relocation refers to a
/// symbol of that version: then the symbol is really used and weakening would only move the failure.
/// </remarks>
public static class ElfVersionNeedPatcher
{
    private const uint ShtRela = 4;
    private const uint ShtRel = 9;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlagWeak = 0x2;

    private readonly record struct Section(string Name, uint Type, ulong Offset, ulong Size, uint Link, ulong EntrySize);

    /// <summary>Patches <paramref name="image"/> in place.</summary>
    /// <exception cref="InvalidDataException">The image is not a well-formed little-endian ELF64 object, or a
    /// relocation uses a symbol of the version, so weakening it would be unsafe.</exception>
    public static ElfPatchOutcome WeakenVersionNeed(Span<byte> image, string libraryName, string versionName)
    {
        var sections = ReadSections(image);
        var verneed = sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
        if (verneed.Type == 0)
        {
            return ElfPatchOutcome.NotRequired;
        }

        var dynstr = sections[(int)verneed.Link];
        var (auxOffset, versionIndex) = FindVernaux(image, verneed, dynstr, libraryName, versionName);
        if (auxOffset < 0)
        {
            return ElfPatchOutcome.NotRequired;
        }

        var flagsSpan = image.Slice(auxOffset + 4, 2);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(flagsSpan);
        if ((flags & VerFlagWeak) != 0)
        {
            return ElfPatchOutcome.AlreadyWeak;
        }

        EnsureNoRelocationUses(image, sections, versionIndex, versionName);
        BinaryPrimitives.WriteUInt16LittleEndian(flagsSpan, (ushort)(flags | VerFlagWeak));
        return ElfPatchOutcome.Patched;
    }

    /// <summary>Whether the image requires <paramref name="versionName"/> of <paramref name="libraryName"/>
    /// and, if so, whether that requirement is weak.</summary>
    public static (bool Required, bool Weak) InspectVersionNeed(ReadOnlySpan<byte> image, string libraryName, string versionName)
    {
        var sections = ReadSections(image);
        var verneed = sections.FirstOrDefault(s => s.Type == ShtGnuVerneed);
        if (verneed.Type == 0)
        {
            return (false, false);
        }

        var (auxOffset, _) = FindVernaux(image, verneed, sections[(int)verneed.Link], libraryName, versionName);
        if (auxOffset < 0)
        {
            return (false, false);
        }

        var flags = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(auxOffset + 4, 2));
        return (true, (flags & VerFlagWeak) != 0);
    }

    private static (int AuxOffset, ushort VersionIndex) FindVernaux(
        ReadOnlySpan<byte> image, Section verneed, Section dynstr, string libraryName, string versionName)
    {
        var entry = checked((int)verneed.Offset);
        var end = checked((int)(verneed.Offset + verneed.Size));
        // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32 (16 bytes).
        for (var guard = 0; guard < 4096 && entry + 16 <= end; guard++)
        {
            var count = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(entry + 2, 2));
            var file = ReadString(image, dynstr, BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(entry + 4, 4)));
            var aux = entry + (int)BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(entry + 8, 4));
            var next = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(entry + 12, 4));
            // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32 (16 bytes).
            for (var i = 0; i < count && aux + 16 <= image.Length; i++)
            {
                var name = ReadString(image, dynstr, BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(aux + 8, 4)));
                if (file == libraryName && name == versionName)
                {
                    return (aux, BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(aux + 6, 2)));
                }

                var auxNext = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(aux + 12, 4));
                if (auxNext == 0)
                {
                    break;
                }

                aux += (int)auxNext;
            }

            if (next == 0)
            {
                break;
            }

            entry += (int)next;
        }

        return (-1, 0);
    }

    private static void EnsureNoRelocationUses(ReadOnlySpan<byte> image, Section[] sections, ushort versionIndex, string versionName)
    {
        var versym = sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (versym.Type == 0)
        {
            throw new InvalidDataException("ELF image has .gnu.version_r but no .gnu.version section");
        }

        for (var s = 0; s < sections.Length; s++)
        {
            var rel = sections[s];
            if ((rel.Type != ShtRela && rel.Type != ShtRel) || rel.Link >= sections.Length || sections[rel.Link].Type != ShtDynsym)
            {
                continue;
            }

            var entrySize = rel.EntrySize != 0 ? rel.EntrySize : (rel.Type == ShtRela ? 24UL : 16UL);
            for (var off = rel.Offset; off + entrySize <= rel.Offset + rel.Size; off += entrySize)
            {
                // r_info is the second 8-byte word; the symbol index is its high 32 bits.
                var info = BinaryPrimitives.ReadUInt64LittleEndian(image.Slice(checked((int)off + 8), 8));
                var symbol = (int)(info >> 32);
                if (symbol == 0)
                {
                    continue;
                }

                var versymOffset = checked((int)versym.Offset + (2 * symbol));
                var index = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(versymOffset, 2)) & 0x7fff);
                if (index == versionIndex)
                {
                    throw new InvalidDataException(
                        $"a relocation in {rel.Name} uses a symbol of version {versionName}; weakening that requirement is unsafe");
                }
            }
        }
    }

    private static Section[] ReadSections(ReadOnlySpan<byte> image)
    {
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException("only little-endian ELF64 objects are supported");
        }

        var shoff = BinaryPrimitives.ReadUInt64LittleEndian(image.Slice(0x28, 8));
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(0x3A, 2));
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(0x3C, 2));
        var shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(0x3E, 2));
        if (shnum == 0 || shentsize < 64 || shoff + ((ulong)shnum * shentsize) > (ulong)image.Length || shstrndx >= shnum)
        {
            throw new InvalidDataException("ELF section header table is missing or lies outside the file");
        }

        var raw = new (uint Name, uint Type, ulong Offset, ulong Size, uint Link, ulong EntrySize)[shnum];
        for (var i = 0; i < shnum; i++)
        {
            var h = image.Slice(checked((int)shoff + (i * shentsize)), 64);
            raw[i] = (
                BinaryPrimitives.ReadUInt32LittleEndian(h),
                BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[56..]));
            if (raw[i].Type != 8 /* SHT_NOBITS */ && raw[i].Offset + raw[i].Size > (ulong)image.Length)
            {
                throw new InvalidDataException($"ELF section {i} lies outside the file");
            }
        }

        var shstr = raw[shstrndx];
        var names = new Section[shnum];
        for (var i = 0; i < shnum; i++)
        {
            var name = ReadString(image, new Section("", 0, shstr.Offset, shstr.Size, 0, 0), raw[i].Name);
            names[i] = new Section(name, raw[i].Type, raw[i].Offset, raw[i].Size, raw[i].Link, raw[i].EntrySize);
        }

        return names;
    }

    private static string ReadString(ReadOnlySpan<byte> image, Section table, uint offset)
    {
        if (offset >= table.Size)
        {
            throw new InvalidDataException("ELF string offset lies outside its string table");
        }

        var start = checked((int)(table.Offset + offset));
        var length = image[start..checked((int)(table.Offset + table.Size))].IndexOf((byte)0);
        if (length < 0)
        {
            throw new InvalidDataException("ELF string is not terminated");
        }

        return Encoding.ASCII.GetString(image.Slice(start, length));
    }
}
