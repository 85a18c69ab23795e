using Hyperfit.Evaluation.Downstream;

namespace Hyperfit.Experiments;

/// <summary>
/// Appendix B.4 in a spec (<c>downstream.mmlu</c>, <c>downstream.glue</c>): a benchmark run on local data for the base
/// model and the hyperfitted ones, so the report carries Table 7 (MMLU) and Table 8 (GLUE) next to Tables 1–5. The
/// settings are <c>hyperfit downstream</c>'s (docs/downstream.md); every model is scored on the same questions.
/// </summary>
/// <param name="Benchmark"><see cref="DownstreamRequest.Mmlu"/> or <see cref="DownstreamRequest.Glue"/>.</param>
/// <param name="DataDir">The benchmark's local data folder (any layout <c>hyperfit downstream</c> reads).</param>
/// <param name="Models">Model names of the spec (base first by default, then every variant).</param>
/// <param name="Tasks">GLUE tasks; null: all seven.</param>
/// <param name="Split">MMLU split (test, as the paper).</param>
public sealed record DownstreamSpec(string Benchmark, string DataDir, DownstreamSettings Settings, IReadOnlyList<string> Models,
    IReadOnlyList<string>? Tasks, string Split)
{
    /// <summary>The benchmarks a spec may name, with the table of the paper each one fills.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tables = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DownstreamRequest.Mmlu] = "Table 7",
        [DownstreamRequest.Glue] = "Table 8",
    };

    /// <summary>Default shots: MMLU 0/1/3/5 (Table 7); GLUE zero-shot and up to 4 (Table 8: "ranging from 1 to 4").</summary>
    public static IReadOnlyList<int> DefaultShots(string benchmark) => benchmark == DownstreamRequest.Mmlu ? [0, 1, 3, 5] : [0, 4];

    /// <summary>Default scoring: the paper follows the official MMLU code; GLUE prompts are the harness's.</summary>
    public static DownstreamScoring DefaultScoring(string benchmark) =>
        benchmark == DownstreamRequest.Mmlu ? DownstreamScoring.Official : DownstreamScoring.Harness;

    /// <summary>The request for these models (<paramref name="modelDirs"/> in <see cref="Models"/> order).</summary>
    public DownstreamRequest Request(IReadOnlyList<string> modelDirs, Models.ModelOptions options) => new()
    {
        Benchmark = Benchmark,
        ModelDirs = modelDirs,
        ModelNames = Models,
        DataDir = DataDir,
        Settings = Settings,
        Tasks = Tasks,
        Split = Split,
        ModelOptions = options,
    };
}
