using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Hyperfit.Runtime;
using Hyperfit.Tests.Training;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Runtime;

public sealed class MklCpuDispatchTests
{
    private static bool IsAmdWithAvx512 =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64
        && X86Base.CpuId(0, 0) is (_, 0x68747541, 0x444D4163, 0x69746E65) // "AuthenticAMD"
        && Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported && Avx512F.VL.IsSupported;

    [Fact]
    public void Should_point_mkl_at_its_avx512_kernels_exactly_on_amd_processors_that_have_them()
    {
        // Given the test process, initialised like any Hyperfit process (TestModuleInit)
        // When the dispatch is inspected
        var (applied, status) = (MklCpuDispatch.Applied, MklCpuDispatch.Status);

        // Then it was patched where it applies (unless switched off), and otherwise says why not
        var optedOut = string.Equals(Environment.GetEnvironmentVariable(MklCpuDispatch.OptOutVariable), "native", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(IsAmdWithAvx512 && !optedOut, applied);
        Assert.Equal(applied, status == "AVX-512 kernels (Hyperfit's AMD fix)");
        Assert.True(applied || status.StartsWith("MKL's own dispatch (", StringComparison.Ordinal), status);
    }

    [Theory]
    [InlineData(1, 384, 384)]   // a decode-sized product
    [InlineData(67, 129, 45)]   // odd sizes: every kernel edge
    [InlineData(256, 384, 1152)] // a training-sized block (the AVX-512 packed kernels)
    public void Should_keep_float32_matrix_products_exact_to_rounding(int m, int k, int n)
    {
        // Given random float32 matrices
        using var generator = new Generator((ulong)((m * 31) + n));
        using var a = randn([m, k], generator: generator);
        using var b = randn([k, n], generator: generator);

        // When libtorch multiplies them (MKL's sgemm, with whichever kernels the dispatch chose)
        using var product = a.matmul(b);

        // Then the result equals the double-precision product to float32 rounding
        using var reference = a.to_type(ScalarType.Float64).matmul(b.to_type(ScalarType.Float64));
        var error = (product.to_type(ScalarType.Float64) - reference).abs().max().item<double>();
        Assert.True(error < 1e-4 * Math.Sqrt(k), $"max |error| {error}");
    }

    [LinuxTheory]
    [InlineData(null)]
    [InlineData("native")]
    public void Should_run_the_kernels_it_reports_in_a_hyperfit_process(string? setting)
    {
        // Given a hyperfit process with MKL's verbose mode on (it names the instruction set it dispatched to), with or
        // without the opt-out
        // When it runs a prefill (a float32 matrix product)
        var (exitCode, output, error) = BenchGenerateProcess.Run(4, new Dictionary<string, string?>
        {
            ["MKL_VERBOSE"] = "1", [MklCpuDispatch.OptOutVariable] = setting,
        });

        // Then the benchmark reports the dispatch, and on an AMD processor with AVX-512 MKL ran its AVX-512 kernels
        // exactly when the fix was on
        var all = output + error;
        Assert.True(exitCode == 0, all);
        var expected = setting is null && IsAmdWithAvx512 ? "AVX-512 kernels (Hyperfit's AMD fix)"
            : setting is null ? "MKL's own dispatch (" : $"MKL's own dispatch ({MklCpuDispatch.OptOutVariable}=native)";
        // (MKL's verbose lines share standard output with the JSON)
        var json = string.Join('\n', output.Split('\n').Where(l => !l.StartsWith("MKL_VERBOSE", StringComparison.Ordinal)));
        var reported = (string)System.Text.Json.Nodes.JsonNode.Parse(json)!.AsArray()[0]!["MklDispatch"]!;
        Assert.StartsWith(expected, reported, StringComparison.Ordinal);
        if (IsAmdWithAvx512)
        {
            var banner = all.Split('\n').FirstOrDefault(l => l.StartsWith("MKL_VERBOSE oneMKL", StringComparison.Ordinal)
                                                             || l.StartsWith("MKL_VERBOSE Intel(R) MKL", StringComparison.Ordinal));
            Assert.True(banner is not null, "MKL printed no verbose banner: " + all);
            Assert.Equal(setting is null, banner.Contains("AVX-512", StringComparison.Ordinal));
        }
    }
}
