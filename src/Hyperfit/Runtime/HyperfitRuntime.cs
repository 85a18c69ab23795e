namespace Hyperfit.Runtime;

/// <summary>Process-wide checks that must happen before TorchSharp's first use.</summary>
public static class HyperfitRuntime
{
    /// <summary>Checks that TorchSharp can load on this host (the CLI calls it first, as does
    /// <see cref="ComputeDevice.Resolve"/>); calling it again is cheap and rethrows the same failure. Reads only: loading
    /// Hyperfit never changes a file on disk.</summary>
    /// <exception cref="IOException">TorchSharp's native library cannot load here; the message says why and what to do.</exception>
    public static void Initialize() => LibStdCxxCompat.EnsureTorchSharpLoadable();
}
