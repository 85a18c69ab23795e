namespace Hyperfit.IO.Safetensors;

/// <summary>Sizes and file spellings of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypeExtensions
{
    /// <summary>Bytes per element (BOOL is stored as one byte per element).</summary>
    public static int ElementSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.BOOL or SafetensorsDType.U8 or SafetensorsDType.I8 => 1,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 4,
        SafetensorsDType.F64 or SafetensorsDType.I64 or SafetensorsDType.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>The name a header uses for this dtype, e.g. <c>"BF16"</c>.</summary>
    public static string ToFileName(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.BOOL => "BOOL",
        SafetensorsDType.U8 => "U8",
        SafetensorsDType.I8 => "I8",
        SafetensorsDType.I16 => "I16",
        SafetensorsDType.U16 => "U16",
        SafetensorsDType.F16 => "F16",
        SafetensorsDType.BF16 => "BF16",
        SafetensorsDType.I32 => "I32",
        SafetensorsDType.U32 => "U32",
        SafetensorsDType.F32 => "F32",
        SafetensorsDType.F64 => "F64",
        SafetensorsDType.I64 => "I64",
        SafetensorsDType.U64 => "U64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>Parses a header dtype name. Exact and case-sensitive, as the reference is: unlike
    /// <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/> it accepts no numbers and no other casing.</summary>
    public static bool TryParseFileName(string name, out SafetensorsDType dtype)
    {
        ArgumentNullException.ThrowIfNull(name);
        (var ok, dtype) = name switch
        {
            "BOOL" => (true, SafetensorsDType.BOOL),
            "U8" => (true, SafetensorsDType.U8),
            "I8" => (true, SafetensorsDType.I8),
            "I16" => (true, SafetensorsDType.I16),
            "U16" => (true, SafetensorsDType.U16),
            "F16" => (true, SafetensorsDType.F16),
            "BF16" => (true, SafetensorsDType.BF16),
            "I32" => (true, SafetensorsDType.I32),
            "U32" => (true, SafetensorsDType.U32),
            "F32" => (true, SafetensorsDType.F32),
            "F64" => (true, SafetensorsDType.F64),
            "I64" => (true, SafetensorsDType.I64),
            "U64" => (true, SafetensorsDType.U64),
            _ => (false, default),
        };
        return ok;
    }
}
