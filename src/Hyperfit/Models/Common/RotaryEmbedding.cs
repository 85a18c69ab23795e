using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models.Common;

/// <summary>Rotary position embedding in Hugging Face's <c>rotate_half</c> layout: dimension i pairs with i + d/2.</summary>
public sealed class RotaryEmbedding : IDisposable
{
    private readonly Tensor _invFreq; // (d/2,) float32
    private Tensor? _cosTable;        // (1, 1, P, d) float32, positions 0 … P − 1; grown on demand
    private Tensor? _sinTable;        // (1, 1, P, d) float32, signed like CosSin's

    /// <param name="tablePositions">Positions whose angles are tabulated up front (the table grows past them on
    /// demand); allocating here keeps a first generation from leaving new tensors behind.</param>
    public RotaryEmbedding(int headDim, double theta, RopeScaling? scaling, Device? device = null, int tablePositions = 0)
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
        if (tablePositions > 0)
        {
            EnsureTable(tablePositions - 1, device ?? CPU);
        }
    }

    /// <summary>cos and signed sin, each (B, 1, T, d) for (B, T) positions, cast to <paramref name="dtype"/>; computed
    /// once per forward and shared by every layer. The sin half that multiplies the negated half of
    /// <c>rotate_half</c> carries the minus sign, so <see cref="Apply"/> needs a single roll instead of split, negate
    /// and concatenate.</summary>
    public (Tensor Cos, Tensor SignedSin) CosSin(Tensor positionIds, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var (cos, signedSin) = Compute(positionIds.to_type(float32), positionIds.device); // (B, T, d)
        return (cos.unsqueeze(1).to_type(dtype).MoveToOuterDisposeScope(), signedSin.unsqueeze(1).to_type(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Like <see cref="CosSin"/> for positions known to lie in [0, <paramref name="maxPosition"/>], read from a
    /// table of every position so far instead of recomputed: a decode step then costs one lookup, not a dozen ops.
    /// The table holds exactly what <see cref="CosSin"/> computes (same float32 products, same cos/sin).</summary>
    public (Tensor Cos, Tensor SignedSin) Lookup(Tensor positionIds, long maxPosition, ScalarType dtype)
    {
        var (b, t) = (positionIds.shape[0], positionIds.shape[1]);
        EnsureTable(maxPosition, positionIds.device);
        using var scope = NewDisposeScope();
        var flat = positionIds.reshape(b * t);
        var cos = _cosTable!.index_select(2, flat).view(b, 1, t, -1);         // (1, 1, B·T, d) → (B, 1, T, d)
        var signedSin = _sinTable!.index_select(2, flat).view(b, 1, t, -1);   // (1, 1, B·T, d) → (B, 1, T, d)
        return (cos.to_type(dtype).MoveToOuterDisposeScope(), signedSin.to_type(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>cos and signed sin (1, 1, T, d) of positions <paramref name="start"/> … start + T − 1, shared by every
    /// row (no padding): a view of the table, cast to <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor SignedSin) Range(long start, long steps, ScalarType dtype, Device device)
    {
        EnsureTable(start + steps - 1, device);
        var cos = _cosTable!.narrow(2, start, steps);       // (1, 1, T, d)
        var signedSin = _sinTable!.narrow(2, start, steps); // (1, 1, T, d)
        if (dtype == float32)
        {
            return (cos, signedSin); // views of the table: nothing to cast
        }

        using var scope = NewDisposeScope();
        return (cos.to_type(dtype).MoveToOuterDisposeScope(), signedSin.to_type(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>A copy of inv_freq (d/2,) float32.</summary>
    public Tensor InverseFrequencies() => _invFreq.clone();

    /// <summary>cos and unsigned sin (B, T, d) float32 of (B, T) positions in transformers' layout.</summary>
    public (Tensor Cos, Tensor Sin) HfCosSin(Tensor positionIds)
    {
        ArgumentNullException.ThrowIfNull(positionIds);
        using var scope = NewDisposeScope();
        var freqs = positionIds.to_type(float32).unsqueeze(-1) * _invFreq.to(positionIds.device); // (B, T, d/2)
        var emb = cat([freqs, freqs], -1);                                                       // (B, T, d)
        return (emb.cos().MoveToOuterDisposeScope(), emb.sin().MoveToOuterDisposeScope());
    }

    // (…, d) float32 cos and signed sin of float32 positions (…).
    private (Tensor Cos, Tensor SignedSin) Compute(Tensor positions, Device device)
    {
        using var scope = NewDisposeScope();
        var freqs = positions.unsqueeze(-1) * _invFreq.to(device); // (…, d/2)
        var cos = freqs.cos();
        var sin = freqs.sin();
        return (cat([cos, cos], -1).MoveToOuterDisposeScope(), cat([-sin, sin], -1).MoveToOuterDisposeScope());
    }

    // Grows the table (by doubling) to cover maxPosition; rebuilt on the new device if the model moved.
    private void EnsureTable(long maxPosition, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxPosition);
        if (_cosTable is not null && maxPosition < _cosTable.shape[2]
            && _cosTable.device_type == device.type && _cosTable.device_index == device.index)
        {
            return;
        }

        var rows = Math.Max(1L, _cosTable?.shape[2] ?? 0);
        while (rows <= maxPosition)
        {
            rows *= 2;
        }

        using var scope = NewDisposeScope();
        // Built as ordinary tensors even when the first call comes from generation under inference mode: an
        // inference tensor cannot be saved for backward, and a later training forward multiplies by the table.
        using var normal = inference_mode(false);
        using var noGrad = no_grad();
        var (cos, signedSin) = Compute(arange(0, rows, dtype: int64, device: device).to_type(float32), device); // (P, d)
        _cosTable?.Dispose();
        _sinTable?.Dispose();
        _cosTable = cos.unsqueeze(0).unsqueeze(0).DetachFromDisposeScope();       // (1, 1, P, d)
        _sinTable = signedSin.unsqueeze(0).unsqueeze(0).DetachFromDisposeScope(); // (1, 1, P, d)
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

    public void Dispose()
    {
        _invFreq.Dispose();
        _cosTable?.Dispose();
        _sinTable?.Dispose();
    }
}
