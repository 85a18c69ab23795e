namespace Hyperfit.ScaleOut;

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
