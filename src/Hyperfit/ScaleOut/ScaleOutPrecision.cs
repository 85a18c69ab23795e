using System.Text.Json.Serialization;

namespace Hyperfit.ScaleOut;

/// <summary>Numerics of an exported job; the recipe's <c>dtype</c> says the same thing in Hyperfit's words.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScaleOutPrecision>))]
public enum ScaleOutPrecision
{
    /// <summary>float32 everywhere (recipe dtype float32).</summary>
    [JsonStringEnumMemberName("fp32")]
    Fp32,

    /// <summary>float32 master weights, gradients and Adam states; forward and backward under bfloat16 autocast
    /// (recipe dtype bfloat16: Hyperfit computes in a bfloat16 copy of the float32 master).</summary>
    [JsonStringEnumMemberName("bf16-mixed")]
    Bf16Mixed,
}
