namespace Hyperfit.IO.Safetensors;

/// <summary>A tensor to be written by <see cref="SafetensorsWriter"/>.</summary>
/// <param name="Name">Header key; must be unique and not <c>__metadata__</c>.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions (empty for a scalar); they fix the byte count, which the header needs
/// before any data is written.</param>
/// <param name="WriteData">Writes exactly product(Shape) × element size bytes to the stream it is given, so
/// data streams straight to disk instead of being gathered in memory. The writer checks the count and throws,
/// naming the tensor, when it is wrong. The stream must not be kept after the call returns.</param>
public sealed record SafetensorsTensorToWrite(string Name, SafetensorsDType DType, long[] Shape, Action<Stream> WriteData);
