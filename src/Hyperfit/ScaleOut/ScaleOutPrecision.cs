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

public static class ScaleOutPrecisions
{
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static ScaleOutPrecision Parse(string name) => name switch
    {
        "fp32" => ScaleOutPrecision.Fp32,
        "bf16-mixed" => ScaleOutPrecision.Bf16Mixed,
        _ => throw new ArgumentException($"precision '{name}' is unknown (expected fp32 or bf16-mixed)"),
    };

    /// <summary>The recipe dtype that means the same numerics.</summary>
    public static string RecipeDType(this ScaleOutPrecision precision) => precision == ScaleOutPrecision.Bf16Mixed ? "bfloat16" : "float32";

    public static ScaleOutPrecision FromRecipeDType(string dtype) => dtype == "bfloat16" ? ScaleOutPrecision.Bf16Mixed : ScaleOutPrecision.Fp32;

    public static string Name(this ScaleOutPrecision precision) => precision == ScaleOutPrecision.Bf16Mixed ? "bf16-mixed" : "fp32";
}
