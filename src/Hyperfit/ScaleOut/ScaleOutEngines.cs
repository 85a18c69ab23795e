namespace Hyperfit.ScaleOut;

/// <summary>Engine names as the CLI and job.json spell them.</summary>
public static class ScaleOutEngines
{
    public static IReadOnlyList<string> Names { get; } = ["accelerate-fsdp", "accelerate-ddp", "torchrun-ddp", "single"];

    /// <exception cref="ArgumentException">An unknown name; lists the known ones.</exception>
    public static ScaleOutEngine Parse(string name) => name switch
    {
        "single" => ScaleOutEngine.SingleProcess,
        "torchrun-ddp" => ScaleOutEngine.TorchrunDdp,
        "accelerate-ddp" => ScaleOutEngine.AccelerateDdp,
        "accelerate-fsdp" => ScaleOutEngine.AccelerateFsdp,
        _ => throw new ArgumentException($"engine '{name}' is unknown (expected {string.Join(", ", Names)})"),
    };

    public static string Name(this ScaleOutEngine engine) => engine switch
    {
        ScaleOutEngine.SingleProcess => "single",
        ScaleOutEngine.TorchrunDdp => "torchrun-ddp",
        ScaleOutEngine.AccelerateDdp => "accelerate-ddp",
        ScaleOutEngine.AccelerateFsdp => "accelerate-fsdp",
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "unknown engine"),
    };

    public static bool UsesAccelerate(this ScaleOutEngine engine) => engine is ScaleOutEngine.AccelerateDdp or ScaleOutEngine.AccelerateFsdp;

    public static bool Shards(this ScaleOutEngine engine) => engine == ScaleOutEngine.AccelerateFsdp;
}
