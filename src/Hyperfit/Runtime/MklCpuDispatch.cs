using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Hyperfit.Runtime;

/// <summary>Lets libtorch's Intel MKL use its AVX-512 float32 kernels on AMD processors that have AVX-512 (Zen 4 and
/// later), where it otherwise picks slower AVX2 ("zen") kernels.</summary>
/// <remarks>
/// <para>MKL (linked into libtorch_cpu.so) chooses its code path through <c>mkl_serv_intel_cpu_true()</c>: on a
/// non-Intel processor that returns 0 and sgemm runs <c>mkl_blas_def_sgemm_kernel_0_zen</c> (AVX2), whatever the
/// processor supports. On this project's AMD EPYC (Zen 4), float32 training of a 16.9M Llama took 7–19 % less processor
/// time per update with MKL's AVX-512 kernels, 1035–1266 → 1382–1391 tokens/s (docs/performance.md): float32
/// training and prefill are mostly sgemm.
/// MKL's own switches (<c>MKL_ENABLE_INSTRUCTIONS</c>, <c>MKL_DEBUG_CPU_TYPE</c>) are ignored on AMD.</para>
/// <para>libtorch_cpu.so calls that function through its procedure linkage table, so after the library is loaded
/// (and before MKL's first call) this points the table's slot at a six-byte native function that returns 1:
/// MKL then dispatches on the processor's feature bits like on an Intel part (AVX-512 F/CD/BW/DQ/VL, all present).
/// It is the well-known <c>LD_PRELOAD</c> work-around, done in-process so the packaged tool gets it too. Only on
/// Linux x64, only on AMD processors with AVX-512 F/BW/DQ/VL, and <c>HYPERFIT_MKL_DISPATCH=native</c> turns it off.
/// Results differ from MKL's AVX2 kernels only in float32 summation order.</para>
/// </remarks>
public static unsafe partial class MklCpuDispatch
{
    public const string OptOutVariable = "HYPERFIT_MKL_DISPATCH";
    private const string Library = "libtorch_cpu.so";
    private static readonly string[] Functions = ["mkl_serv_intel_cpu_true", "mkl_serv_intel_cpu"];

    private static readonly Lock Gate = new();
    private static bool s_done;

    /// <summary>Why the dispatch is what it is, for benchmark reports.</summary>
    public static string Status { get; private set; } = "not checked";

    /// <summary>True when MKL was pointed at its AVX-512 kernels.</summary>
    public static bool Applied { get; private set; }

    /// <summary>Patches libtorch_cpu.so's slots once, if it applies here (see the remarks). Loads TorchSharp's
    /// native libraries first. Never throws: a failure leaves MKL's own dispatch and says why in
    /// <see cref="Status"/>.</summary>
    public static void Apply()
    {
        lock (Gate)
        {
            if (s_done)
            {
                return;
            }

            s_done = true;
            try
            {
                Status = Patch();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException
                                          or InvalidOperationException or NotSupportedException)
            {
                Status = $"MKL's own dispatch ({e.GetType().Name}: {e.Message})";
            }
        }
    }

    private static string Patch()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return "MKL's own dispatch (not Linux x64)";
        }

        if (string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "native", StringComparison.OrdinalIgnoreCase))
        {
            return $"MKL's own dispatch ({OptOutVariable}=native)";
        }

        if (!IsAmd() || !Avx512F.IsSupported || !Avx512BW.IsSupported || !Avx512DQ.IsSupported || !Avx512F.VL.IsSupported)
        {
            return "MKL's own dispatch (not an AMD processor with AVX-512)";
        }

        _ = TorchSharp.torch.get_num_threads(); // makes TorchSharp load libtorch (and with it libtorch_cpu.so)
        var handle = Native.DlOpen(Library, RtldNow | RtldNoLoad);
        if (handle == IntPtr.Zero)
        {
            return $"MKL's own dispatch ({Library} is not loaded)";
        }

        try
        {
            IntPtr linkMap;
            if (Native.DlInfo(handle, RtldDiLinkMap, &linkMap) != 0)
            {
                return "MKL's own dispatch (dlinfo failed)";
            }

            var slots = FindSlots(*(nint*)linkMap, *(long**)((byte*)linkMap + 16));
            if (slots.Count == 0)
            {
                return $"MKL's own dispatch (no {Functions[0]} in {Library}'s procedure linkage table)";
            }

            var stub = ReturnOne();
            foreach (var slot in slots)
            {
                var page = slot & ~(nint)(Environment.SystemPageSize - 1);
                if (Native.MProtect(page, (nuint)Environment.SystemPageSize, ProtRead | ProtWrite) != 0)
                {
                    return "MKL's own dispatch (mprotect failed)";
                }

                *(nint*)slot = stub;
            }

            Applied = true;
            return "AVX-512 kernels (Hyperfit's AMD fix)";
        }
        finally
        {
            _ = Native.DlClose(handle);
        }
    }

    // Addresses of the global-offset-table slots through which the library calls Functions.
    private static List<nint> FindSlots(nint baseAddress, long* dynamic)
    {
        long jmpRel = 0, pltRelSize = 0, symTab = 0, strTab = 0, pltRel = 0;
        for (var d = dynamic; d[0] != 0; d += 2)
        {
            switch (d[0])
            {
                case 2: pltRelSize = d[1]; break;  // DT_PLTRELSZ
                case 5: strTab = d[1]; break;      // DT_STRTAB
                case 6: symTab = d[1]; break;      // DT_SYMTAB
                case 20: pltRel = d[1]; break;     // DT_PLTREL
                case 23: jmpRel = d[1]; break;     // DT_JMPREL
            }
        }

        var slots = new List<nint>();
        if (jmpRel == 0 || symTab == 0 || strTab == 0 || pltRel != 7) // 7 = DT_RELA: Elf64_Rela entries
        {
            return slots;
        }

        // glibc stores these as absolute addresses once the library is relocated; add the base if not.
        nint Absolute(long address) => address < baseAddress ? baseAddress + (nint)address : (nint)address;
        var relocations = (long*)Absolute(jmpRel);
        var symbols = (byte*)Absolute(symTab);
        var strings = (byte*)Absolute(strTab);
        for (long i = 0; i < pltRelSize / 24; i++)
        {
            var (offset, info) = (relocations[3 * i], relocations[(3 * i) + 1]);
            if ((uint)info != 7) // R_X86_64_JUMP_SLOT
            {
                continue;
            }

            var nameOffset = *(uint*)(symbols + ((info >>> 32) * 24)); // Elf64_Sym.st_name
            var name = Marshal.PtrToStringUTF8((nint)(strings + nameOffset));
            if (name is not null && Functions.Contains(name))
            {
                slots.Add(baseAddress + (nint)offset);
            }
        }

        return slots;
    }

    // A native function `int f(void) { return 1; }`: mov eax, 1; ret — in its own executable page.
    private static nint ReturnOne()
    {
        var page = Native.MMap(IntPtr.Zero, (nuint)Environment.SystemPageSize, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == -1)
        {
            throw new InvalidOperationException("mmap failed");
        }

        ReadOnlySpan<byte> code = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3];
        code.CopyTo(new Span<byte>((void*)page, code.Length));
        if (Native.MProtect(page, (nuint)Environment.SystemPageSize, ProtRead | ProtExec) != 0)
        {
            throw new InvalidOperationException("mprotect failed");
        }

        return page;
    }

    private static bool IsAmd()
    {
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        return ebx == 0x68747541 && edx == 0x69746E65 && ecx == 0x444D4163; // "AuthenticAMD"
    }

    private const int RtldNow = 2, RtldNoLoad = 4, RtldDiLinkMap = 2;
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 2, MapAnonymous = 0x20;

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr DlOpen(string file, int mode);

        [LibraryImport("libc", EntryPoint = "dlinfo")]
        internal static partial int DlInfo(IntPtr handle, int request, void* info);

        [LibraryImport("libc", EntryPoint = "dlclose")]
        internal static partial int DlClose(IntPtr handle);

        [LibraryImport("libc", EntryPoint = "mmap")]
        internal static partial nint MMap(IntPtr address, nuint length, int protection, int flags, int fd, nint offset);

        [LibraryImport("libc", EntryPoint = "mprotect")]
        internal static partial int MProtect(nint address, nuint length, int protection);
    }
}
