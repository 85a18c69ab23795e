using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Hyperfit.Runtime;

namespace Hyperfit.Tests;

internal static class TestModuleInit
{
    // Tests may call TorchSharp before touching any Hyperfit type: check first that the native library can load here
    // (the build put an adapted copy into bin/; this only reads), so a problem is one clear line, not TorchSharp's error.
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "Test assembly set-up, same reason as HyperfitRuntime.")]
    [ModuleInitializer]
    internal static void Init()
    {
        HyperfitRuntime.Initialize();
        // Tests use tiny tensors, and xunit runs classes in parallel on a shared 2-core machine: intra-op threads
        // only add spin-waiting (a 150-update training test took 18 s with 2 threads, 3 s with 1). Results are the same.
        TorchSharp.torch.set_num_threads(1);
    }
}
