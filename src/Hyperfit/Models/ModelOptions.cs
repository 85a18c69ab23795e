using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models;

/// <summary>How to materialise a model: parameter dtype, device and dropout.</summary>
/// <param name="DType">Parameter (and compute) dtype; float32 by default, the safe choice on CPU.</param>
/// <param name="Dropout">Dropout probability in training mode. Off by default: the paper (§3) hyperfits without
/// dropout, and the values in a config.json (e.g. GPT-2's 0.1) are deliberately ignored.</param>
public sealed record ModelOptions(ScalarType DType = ScalarType.Float32, Device? Device = null, double Dropout = 0.0)
{
    public static ModelOptions Default { get; } = new();
}
