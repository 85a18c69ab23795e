using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models.Cpu;

/// <summary>Raw addresses of CPU tensors' elements, for the hand-written kernels in this folder.</summary>
/// <remarks>An address is valid only while the tensor (and its storage) is alive and nobody swaps its storage
/// (<c>set_</c>, <c>to(...)</c>); callers hold the tensor and use the address within that window.</remarks>
internal static unsafe class TensorMemory
{
    /// <summary>Address of element [0, …, 0] of a float32 CPU tensor (storage offset included).</summary>
    public static float* Float32(Tensor t) => (float*)Address<float>(t, ScalarType.Float32);

    /// <summary>Address of element [0, …, 0] of an int64 CPU tensor (storage offset included).</summary>
    public static long* Int64(Tensor t) => (long*)Address<long>(t, ScalarType.Int64);

    /// <summary>Address of the first element of a contiguous bfloat16 CPU tensor (raw 16-bit patterns).</summary>
    public static ushort* BFloat16(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.device_type != DeviceType.CPU || t.dtype != ScalarType.BFloat16 || !t.is_contiguous())
        {
            throw new ArgumentException($"expected a contiguous bfloat16 CPU tensor, got {t.dtype} on {t.device}", nameof(t));
        }

        // TorchSharp has no storage type for bfloat16; its byte view of a contiguous tensor starts at element 0.
        return (ushort*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(t.bytes));
    }

    /// <summary>True when <paramref name="t"/> is a row-major contiguous float32 tensor on the CPU.</summary>
    public static bool IsContiguousFloat32(Tensor? t) =>
        t is not null && t.dtype == ScalarType.Float32 && t.device_type == DeviceType.CPU && t.is_contiguous();

    private static IntPtr Address<T>(Tensor t, ScalarType dtype) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.device_type != DeviceType.CPU || t.dtype != dtype)
        {
            throw new ArgumentException($"expected a {dtype} CPU tensor, got {t.dtype} on {t.device}", nameof(t));
        }

        using var scope = NewDisposeScope(); // storage<T>() holds a second handle to the tensor
        var storage = t.storage<T>();
        return storage.data_ptr() + checked((nint)(t.storage_offset() * sizeof(T)));
    }
}
