using System.Text.Json.Nodes;

namespace Hyperfit.Tests.Cli;

[Collection(ConsoleTests.Name)]
public sealed class BenchGenerateCommandTests
{
    [Fact]
    public void Should_time_the_cached_uncached_and_batched_runs_of_a_random_model()
    {
        // Given the small random model and a short workload
        string[] args = ["bench", "generate", "--random-model", "--batch", "2", "--context-tokens", "4", "--new-tokens", "3", "--json"];

        // When the benchmark runs
        var (code, output, error) = CliRunner.Run(args);

        // Then it reports the three runs, and the cached ones again through the module graph (a float32 Llama has the
        // decode kernel), with positive speeds
        Assert.True(code == 0, error);
        var runs = JsonNode.Parse(output)!.AsArray();
        Assert.Equal(["kv-cache", "no-cache", "kv-cache-batched", "kv-cache-graph", "kv-cache-batched-graph"], runs.Select(r => (string)r!["Name"]!));
        Assert.All(runs, r => Assert.True((double)r!["TokensPerSecond"]! > 0));
        Assert.Equal(2, (int)runs[2]!["Batch"]!);

        // And each run says what its decode steps ran on: the kernel at the processor's vector width, the module graph
        // when it was switched off or there was no cache
        var kernel = $"^decode kernel, {(int)Hyperfit.Models.Cpu.SimdWidths.Hardware!.Value}-bit vectors, [1-9][0-9]* threads$";
        var paths = runs.Select(r => (string)r!["DecodePath"]!).ToArray();
        Assert.Matches(kernel, paths[0]);
        Assert.Matches(kernel, paths[2]);
        Assert.Equal(["module graph (no cache)", "module graph (decode kernel switched off)", "module graph (decode kernel switched off)"],
            [paths[1], paths[3], paths[4]]);
    }

    [Fact]
    public void Should_reject_an_unknown_random_model_size()
    {
        // Given a size that does not exist
        string[] args = ["bench", "generate", "--random-model", "--random-size", "huge"];

        // When the benchmark is asked for it
        var (code, _, error) = CliRunner.Run(args);

        // Then it fails naming the option
        Assert.NotEqual(0, code);
        Assert.Contains("huge", error, StringComparison.Ordinal);
    }
}
