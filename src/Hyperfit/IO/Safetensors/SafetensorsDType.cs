namespace Hyperfit.IO.Safetensors;

/// <summary>Element types a safetensors header can name. Member names are spelled exactly as in files.</summary>
/// <remarks>
/// The declaration order matches the reference implementation's <c>Dtype</c> enum (minus the 8-bit float
/// and sub-byte types Hyperfit does not load), because the reference writer orders tensors by that enum,
/// descending; <see cref="SafetensorsWriter"/> relies on the numeric values to reproduce that order.
/// </remarks>
public enum SafetensorsDType
{
    BOOL,
    U8,
    I8,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64,
}
