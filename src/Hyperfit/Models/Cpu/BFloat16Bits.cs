using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hyperfit.Models.Cpu;

/// <summary>bfloat16 ↔ float32 conversion of raw 16-bit patterns, as libtorch converts them: widening is exact
/// (the pattern becomes the upper half of the float), narrowing rounds to nearest even and maps every NaN to the
/// quiet NaN 0x7FC0 (c10's <c>round_to_nearest_even</c>).</summary>
internal static unsafe class BFloat16Bits
{
    /// <summary>Widens <paramref name="count"/> bfloat16 values to float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToFloat(ushort* source, float* destination, long count)
    {
        var n = Vector512<ushort>.Count;
        long i = 0;
        for (; i + n <= count; i += n)
        {
            var bits = Vector512.Load(source + i);
            Vector512.ShiftLeft(Vector512.WidenLower(bits), 16).AsSingle().Store(destination + i);
            Vector512.ShiftLeft(Vector512.WidenUpper(bits), 16).AsSingle().Store(destination + i + (n / 2));
        }

        for (; i < count; i++)
        {
            destination[i] = ToFloat(source[i]);
        }
    }

    /// <summary>Rounds <paramref name="count"/> float32 values to bfloat16 (nearest even).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FromFloat(float* source, ushort* destination, long count)
    {
        var n = Vector512<float>.Count;
        long i = 0;
        for (; i + (2 * n) <= count; i += 2 * n)
        {
            var low = Round(Vector512.Load(source + i));
            var high = Round(Vector512.Load(source + i + n));
            Vector512.Narrow(low, high).Store(destination + i);
        }

        for (; i < count; i++)
        {
            destination[i] = FromFloat(source[i]);
        }
    }

    public static float ToFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    public static ushort FromFloat(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }

    // Float bits rounded to the upper 16 (still in the upper half of each uint, shifted down).
    private static Vector512<uint> Round(Vector512<float> value)
    {
        var bits = value.AsUInt32();
        var rounded = (bits + Vector512.Create(0x7FFFu) + (Vector512.ShiftRightLogical(bits, 16) & Vector512<uint>.One)) >>> 16;
        var isNumber = Vector512.Equals(value, value).AsUInt32();
        return Vector512.ConditionalSelect(isNumber, rounded, Vector512.Create(0x7FC0u));
    }
}
