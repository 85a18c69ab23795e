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

    /// <summary>cos and sin, each (B, T, d), for (B, T) positions, cast to <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) CosSin(Tensor positionIds, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var freqs = positionIds.to_type(float32).unsqueeze(-1) * _invFreq.to(positionIds.device); // (B, T, d/2)
        var emb = cat([freqs, freqs], -1);                                                       // (B, T, d)
        return (emb.cos().to_type(dtype).MoveToOuterDisposeScope(), emb.sin().to_type(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates (B, H, T, d) queries or keys by (B, T, d) cos/sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var c = cos.unsqueeze(1); // (B, 1, T, d)
        var s = sin.unsqueeze(1);
        return (x * c + RotateHalf(x) * s).MoveToOuterDisposeScope();
    }

    private static Tensor RotateHalf(Tensor x)
    {
        var half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        return cat([-x2, x1], -1);
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
