using Hyperfit.Runtime;

namespace Hyperfit.Tests.Runtime;

public sealed class OpenMpWaitPolicyTests
{
    [Fact]
    public void Should_describe_the_policy_in_force()
    {
        // Given the test process, initialised like any Hyperfit process (TestModuleInit)
        // When the policy is described, then it names a value and where it came from
        var described = OpenMpWaitPolicy.Describe();
        Assert.Matches(@"^\S+ \((Hyperfit's default|from the environment)\)$", described);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable)))
        {
            Assert.Equal("PASSIVE (Hyperfit's default)", described);
        }
    }

    [LinuxTheory]
    [InlineData(null, "PASSIVE")]
    [InlineData("ACTIVE", "ACTIVE")]
    public void Should_make_libtorchs_openmp_sleep_unless_the_environment_chose(string? environment, string expected)
    {
        // Given a hyperfit process whose libgomp prints the settings it read (OMP_DISPLAY_ENV), with or without a policy
        // When it runs (loading libtorch)
        var (exitCode, output, error) = BenchGenerateProcess.Run(2, new Dictionary<string, string?>
        {
            ["OMP_DISPLAY_ENV"] = "TRUE", [OpenMpWaitPolicy.Variable] = environment,
        });

        // Then libgomp saw the expected policy, and the benchmark reports it
        var all = output + error;
        Assert.True(exitCode == 0, all);
        Assert.Contains($"OMP_WAIT_POLICY = '{expected}'", all, StringComparison.Ordinal);
        Assert.Contains($"\"OmpWaitPolicy\": \"{expected} (", output, StringComparison.Ordinal);
    }
}
