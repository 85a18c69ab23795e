using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models.Common;

/// <summary>Rotary position embedding in Hugging Face's <c>rotate_half</c> layout: dimension i pairs with i + d/2.</summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor _invFreq; // (d/2,) float32

    public RotaryEmbedding(int headDim, double theta, RopeScaling? scaling, Device? device = null)
    {
        // inv_freq = 1 / theta^(2i/d), in float32 exactly as transformers computes it.
        using var scope = NewDisposeScope();
        var exponents = arange(0, headDim, 2, dtype: int64).to_type(float32) / headDim;
        var invFreq = 1.0f / pow(tensor((float)theta, float32), exponents);
        invFreq = scaling?.Type switch
        {
            null => invFreq,
            "linear" => invFreq / (float)scaling.Factor,
            "llama3" => Llama3(invFreq, scaling),
            _ => throw new ModelConfigException($"rope_scaling type '{scaling.Type}' is not implemented"),
        };
        _invFreq = invFreq.to(device ?? CPU).MoveToOuterDisposeScope();
    }

    /// <summary>cos and signed sin, each (B, 1, T, d) for (B, T) positions, cast to <paramref name="dtype"/>; computed
    /// once per forward and shared by every layer. The sin half that multiplies the negated half of
    /// <c>rotate_half</c> carries the minus sign, so <see cref="Apply"/> needs a single roll instead of split, negate
    /// and concatenate.</summary>
    public (Tensor Cos, Tensor SignedSin) CosSin(Tensor positionIds, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var freqs = positionIds.to_type(float32).unsqueeze(-1) * _invFreq.to(positionIds.device); // (B, T, d/2)
        var cos = freqs.cos();
        var sin = freqs.sin();
        var fullCos = cat([cos, cos], -1).unsqueeze(1);                                          // (B, 1, T, d)
        var signedSin = cat([-sin, sin], -1).unsqueeze(1);                                       // (B, 1, T, d)
        return (fullCos.to_type(dtype).MoveToOuterDisposeScope(), signedSin.to_type(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates (B, H, T, d) queries or keys: <c>x·cos + rotate_half(x)·sin</c> with
    /// <c>rotate_half(x) = cat(−x₂, x₁)</c>, i.e. <c>x·cos + roll(x, d/2)·signedSin</c>.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor signedSin)
    {
        using var scope = NewDisposeScope();
        var rolled = x.roll(x.shape[^1] / 2, -1); // cat(x₂, x₁)
        return x.mul(cos).add_(rolled.mul_(signedSin)).MoveToOuterDisposeScope();
    }

    // Llama 3.1: leave high-frequency bands alone, divide low-frequency ones by factor, blend in between.
    private static Tensor Llama3(Tensor invFreq, RopeScaling s)
    {
        var lowFreqWavelen = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        var highFreqWavelen = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        var wavelen = 2 * Math.PI / invFreq;
        var scaled = where(wavelen > lowFreqWavelen, invFreq / s.Factor, invFreq);
        var smooth = (s.OriginalMaxPositionEmbeddings / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        var smoothed = (1 - smooth) * scaled / s.Factor + smooth * scaled;
        var isMedium = (wavelen < highFreqWavelen).logical_not().logical_and((wavelen > lowFreqWavelen).logical_not());
        return where(isMedium, smoothed, scaled).to_type(float32);
    }

    public void Dispose() => _invFreq.Dispose();
}
