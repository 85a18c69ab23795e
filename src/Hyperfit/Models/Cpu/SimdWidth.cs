using System.Runtime.Intrinsics;

namespace Hyperfit.Models.Cpu;

/// <summary>Vector width the CPU kernels are compiled for: each kernel exists once per width (generic over
/// <see cref="IFloatVector{TVector}"/>), and a step runs the widest one the processor executes in hardware.</summary>
internal enum SimdWidth
{
    Bits128 = 128,
    Bits256 = 256,
    Bits512 = 512,
}

/// <summary>Which <see cref="SimdWidth"/> this processor runs natively.</summary>
internal static class SimdWidths
{
    /// <summary>The widest width the processor accelerates (AVX-512: 512; AVX2: 256; SSE or Arm NEON: 128), or null
    /// when it has no vector unit .NET uses — then the kernels would run software-emulated vectors, far slower
    /// than libtorch, so their callers keep the module graph.</summary>
    public static SimdWidth? Hardware { get; } =
        Vector512.IsHardwareAccelerated ? SimdWidth.Bits512
        : Vector256.IsHardwareAccelerated ? SimdWidth.Bits256
        : Vector128.IsHardwareAccelerated ? SimdWidth.Bits128
        : null;

    /// <summary>True when the processor runs <paramref name="width"/> natively (the hardware width and every narrower
    /// one): tests run each such width against the reference.</summary>
    public static bool IsAccelerated(SimdWidth width) => width switch
    {
        SimdWidth.Bits512 => Vector512.IsHardwareAccelerated,
        SimdWidth.Bits256 => Vector256.IsHardwareAccelerated,
        SimdWidth.Bits128 => Vector128.IsHardwareAccelerated,
        _ => false,
    };
}
