namespace Hyperfit.Runtime;

/// <summary>Process-wide checks and settings that must happen before TorchSharp's first use.</summary>
public static class HyperfitRuntime
{
    /// <summary>Sets OpenMP's wait policy to passive unless the environment chose one (<see cref="OpenMpWaitPolicy"/>),
    /// checks that TorchSharp can load on this host, loads libtorch and, on AMD processors with AVX-512, points its MKL
    /// at the AVX-512 kernels (<see cref="MklCpuDispatch"/>). The CLI calls it first, as does
    /// <see cref="ComputeDevice.Resolve"/>; calling it again is cheap and rethrows the same failure. Reads only on disk:
    /// loading Hyperfit never changes a file (the MKL fix patches libtorch in this process's memory).</summary>
    /// <exception cref="IOException">TorchSharp's native library cannot load here; the message says why and what to do.</exception>
    public static void Initialize()
    {
        OpenMpWaitPolicy.Apply(); // before anything loads libtorch (and with it libgomp)
        LibStdCxxCompat.EnsureTorchSharpLoadable();
        MklCpuDispatch.Apply();   // loads libtorch; before any matrix product (MKL picks its kernels once)
    }
}
