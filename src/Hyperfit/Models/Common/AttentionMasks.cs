using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models.Common;

/// <summary>Builds position ids and additive attention masks the way Hugging Face does.</summary>
public static class AttentionMasks
{
    /// <summary>(B, T) positions for the newest T tokens. With a (B, Tpast+T) padding mask: <c>cumsum(mask) − 1</c>
    /// with pads set to 1 (what <c>generate()</c> passes); without one: Tpast … Tpast+T−1.</summary>
    public static Tensor PositionIds(Tensor? attentionMask, int pastLength, long batch, long steps, Device device)
    {
        if (attentionMask is null)
        {
            return arange(pastLength, pastLength + steps, dtype: int64, device: device).unsqueeze(0).expand(batch, steps);
        }

        using var scope = NewDisposeScope();
        var mask = attentionMask.to_type(int64);
        var positions = mask.cumsum(1) - 1;
        positions = positions.masked_fill(mask.eq(0), 1);
        return positions.narrow(1, positions.shape[1] - steps, steps).MoveToOuterDisposeScope();
    }

    /// <summary>Additive mask (B, 1, T, Tpast+T): 0 where a query may attend, the dtype's minimum where it may not
    /// (causal or padding). The minimum, not −inf, keeps fully masked rows (pads) finite instead of NaN.
    /// Returns null when plain causal attention without padding suffices (the fast SDPA path).</summary>
    public static Tensor? Additive(Tensor? attentionMask, int pastLength, long steps, ScalarType dtype, Device device)
    {
        if (attentionMask is null && (pastLength == 0 || steps == 1))
        {
            return null;
        }

        using var scope = NewDisposeScope();
        var total = pastLength + steps;
        // Query i (absolute position pastLength+i) may see keys 0 … pastLength+i.
        var queryPos = arange(pastLength, total, dtype: int64, device: device).unsqueeze(1); // (T, 1)
        var keyPos = arange(0, total, dtype: int64, device: device).unsqueeze(0);            // (1, S)
        var allowed = keyPos.le(queryPos).unsqueeze(0).unsqueeze(0);                          // (1, 1, T, S)
        if (attentionMask is not null)
        {
            allowed = allowed.logical_and(attentionMask.to_type(ScalarType.Bool).unsqueeze(1).unsqueeze(1)); // (B, 1, T, S)
        }

        var min = MinValue(dtype);
        var additive = zeros(allowed.shape, dtype, device).masked_fill(allowed.logical_not(), min);
        return additive.MoveToOuterDisposeScope();
    }

    private static double MinValue(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => float.MinValue,
        ScalarType.Float64 => double.MinValue,
        ScalarType.Float16 => -65504.0,
        ScalarType.BFloat16 => -3.3895313892515355e38,
        _ => throw new ArgumentException($"attention mask dtype {dtype} is not a floating-point type", nameof(dtype)),
    };
}
