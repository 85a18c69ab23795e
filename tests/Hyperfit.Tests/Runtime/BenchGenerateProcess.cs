using System.Diagnostics;
using Hyperfit.Tests.Training;

namespace Hyperfit.Tests.Runtime;

/// <summary>A real <c>hyperfit bench generate --random-model … --json</c> process on one thread, for tests of what a
/// Hyperfit process sets up before libtorch loads (OpenMP wait policy, MKL dispatch).</summary>
internal static class BenchGenerateProcess
{
    /// <param name="environment">Variables to set (a null value removes the variable).</param>
    /// <returns>Exit code, standard output and standard error.</returns>
    public static (int ExitCode, string Output, string Error) Run(int contextTokens, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliTrainingFixture.CliDll);
        foreach (var a in new[] { "bench", "generate", "--random-model", "--batch", "1", "--context-tokens", contextTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "--new-tokens", "1", "--cached-only", "--json" })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(120)), "hyperfit bench generate did not finish");
        return (process.ExitCode, output.Result, error.Result);
    }
}
