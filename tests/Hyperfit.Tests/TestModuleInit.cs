using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Hyperfit.Runtime;

namespace Hyperfit.Tests;

internal static class TestModuleInit
{
    // Tests may call TorchSharp before touching any Hyperfit type; make the native library loadable first.
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "Test assembly set-up, same reason as HyperfitRuntime.")]
    [ModuleInitializer]
    internal static void Init() => HyperfitRuntime.Initialize();
}
