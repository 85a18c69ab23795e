namespace Hyperfit.IO.Safetensors;

/// <summary>One tensor as a safetensors header describes it.</summary>
/// <param name="Name">The header key.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions; empty for a scalar.</param>
/// <param name="DataOffset">Absolute offset of the first byte in the file (not relative to the data buffer as
/// in the header), so callers can read without knowing the header length.</param>
/// <param name="ByteLength">Number of bytes; always ElementCount × element size for a validated file.</param>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, long[] Shape, long DataOffset, long ByteLength)
{
    /// <summary>Product of <see cref="Shape"/> (1 for a scalar). Computed, so a <c>with</c> copy stays right.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dim in Shape)
            {
                count = checked(count * dim);
            }

            return count;
        }
    }
}
