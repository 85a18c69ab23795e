using TorchSharp;

namespace Hyperfit.IO.PyTorch;

/// <summary>One tensor of a PyTorch state dict: a strided view of a storage held in the archive as
/// <c>&lt;prefix&gt;/data/&lt;StorageKey&gt;</c>.</summary>
/// <param name="StorageElements">Elements of the whole storage (a tensor may view part of it).</param>
public sealed record PyTorchTensorInfo(
    string Name, torch.ScalarType DType, long[] Shape, long[] Strides, long StorageOffset, string StorageKey, long StorageElements, string FilePath)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
