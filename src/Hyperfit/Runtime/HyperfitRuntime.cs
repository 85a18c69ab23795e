using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Hyperfit.Runtime;

/// <summary>Process-wide set-up that must happen before TorchSharp's first use.</summary>
public static class HyperfitRuntime
{
    /// <summary>Makes TorchSharp loadable on this host, sets OpenMP's wait policy to passive unless the
    /// environment chose one (<see cref="OpenMpWaitPolicy"/>), loads libtorch and, on AMD processors with AVX-512,
    /// points its MKL at the AVX-512 kernels (<see cref="MklCpuDispatch"/>). Runs automatically when the Hyperfit
    /// assembly is first touched; calling it again is cheap and rethrows a set-up failure with its message.</summary>
    /// <exception cref="IOException">TorchSharp's native library needed patching and could not be.</exception>
    public static void Initialize()
    {
        OpenMpWaitPolicy.Apply(); // before anything loads libtorch (and with it libgomp)
        LibStdCxxCompat.EnsureTorchSharpLoadable();
        MklCpuDispatch.Apply();   // loads libtorch; before any matrix product (MKL picks its kernels once)
    }

    // A library normally should not use a module initializer (CA2255); here it is the point: any code that
    // touches Hyperfit gets a loadable TorchSharp without remembering to call Initialize() first.
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "TorchSharp must be made loadable before any Hyperfit type runs tensor code.")]
    [ModuleInitializer]
    internal static void OnModuleLoad()
    {
        try
        {
            Initialize();
        }
        catch (IOException)
        {
            // Remembered by LibStdCxxCompat and rethrown by the next explicit Initialize() (the CLI calls it
            // first and prints the one-line message); throwing here would poison every Hyperfit type.
        }
    }
}
