using System.Runtime.InteropServices;

namespace Hyperfit.Runtime;

/// <summary>Makes libtorch's OpenMP threads sleep instead of spin while they wait (<c>OMP_WAIT_POLICY=PASSIVE</c>)
/// unless the environment already chose a policy.</summary>
/// <remarks>
/// libtorch's OpenMP (libgomp) spins a waiting thread for a while before sleeping. When another process holds one of
/// the cores, the spinning thread steals that core's time from the thread it waits for, and every parallel region
/// ends late: on the shared 2-core development machine two-thread training ran 10–15× slower with spinning than
/// without (docs/performance.md). libgomp reads the variable once, when it is loaded, so it must be in the process's
/// native environment before TorchSharp loads libtorch; .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// only changes a managed copy on Linux, hence <c>setenv</c>. The <c>./hyperfit</c> launcher exports the same
/// default, which also covers processes it starts.
/// </remarks>
public static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";
    public const string Default = "PASSIVE";

    private static readonly Lock Gate = new();
    private static bool s_applied;
    private static bool s_setByHyperfit;

    /// <summary>Sets <see cref="Variable"/> to <see cref="Default"/> in the native environment when it is unset.
    /// Idempotent; effective only before libtorch is loaded.</summary>
    public static void Apply()
    {
        lock (Gate)
        {
            if (s_applied)
            {
                return;
            }

            s_applied = true;
            if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            {
                return;
            }

            if (string.IsNullOrEmpty(Native.GetEnv(Variable)))
            {
                s_setByHyperfit = Native.SetEnv(Variable, Default, 0) == 0;
            }
        }
    }

    /// <summary>The policy libgomp saw, for benchmark reports: e.g. "PASSIVE (Hyperfit's default)",
    /// "ACTIVE (from the environment)" or "unset (libgomp spins, then sleeps)".</summary>
    public static string Describe()
    {
        var value = OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable(Variable) : Native.GetEnv(Variable);
        return string.IsNullOrEmpty(value)
            ? "unset (libgomp spins, then sleeps)"
            : $"{value} ({(s_setByHyperfit ? "Hyperfit's default" : "from the environment")})";
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int SetEnv(string name, string value, int overwrite);

        public static string? GetEnv(string name) => Marshal.PtrToStringUTF8(GetEnvPointer(name));

        [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
        private static partial IntPtr GetEnvPointer(string name);
    }
}
