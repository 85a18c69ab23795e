using System.Reflection;

namespace Hyperfit;

/// <summary>This build's version as results record it: the informational version, which carries the source revision
/// ("1.0.0+1118da8…").</summary>
public static class HyperfitVersion
{
    public static string Current { get; } =
        typeof(HyperfitVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(HyperfitVersion).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
