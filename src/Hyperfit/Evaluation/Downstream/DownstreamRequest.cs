using Hyperfit.Models;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>One <c>hyperfit downstream</c> run: a benchmark on local data for one or more models.</summary>
public sealed record DownstreamRequest
{
    /// <summary>mmlu or glue.</summary>
    public required string Benchmark { get; init; }

    /// <summary>Model folders, compared on the same questions (base first, then hyperfitted variants).</summary>
    public required IReadOnlyList<string> ModelDirs { get; init; }

    /// <summary>Names the report gives the models (an experiment's base/variant labels); null: from the folder names.</summary>
    public IReadOnlyList<string>? ModelNames { get; init; }

    public required string DataDir { get; init; }

    public required DownstreamSettings Settings { get; init; }

    /// <summary>GLUE tasks; null: all seven.</summary>
    public IReadOnlyList<string>? Tasks { get; init; }

    /// <summary>MMLU split: test (the official choice) or validation.</summary>
    public string Split { get; init; } = "test";

    public ModelOptions ModelOptions { get; init; } = ModelOptions.Default;

    public const string Mmlu = "mmlu";

    public const string Glue = "glue";

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first inconsistent option.</summary>
    public void Validate()
    {
        if (Benchmark is not (Mmlu or Glue))
        {
            throw new ArgumentException($"benchmark must be mmlu or glue (got '{Benchmark}')", nameof(Benchmark));
        }

        if (ModelDirs.Count == 0)
        {
            throw new ArgumentException("at least one model folder is needed", nameof(ModelDirs));
        }

        if (ModelNames is { } names && (names.Count != ModelDirs.Count || names.Distinct(StringComparer.Ordinal).Count() != names.Count))
        {
            throw new ArgumentException("model names must be distinct, one per model folder", nameof(ModelNames));
        }

        Settings.Validate();
        if (Benchmark == Glue && Settings.Scoring == DownstreamScoring.Official)
        {
            throw new ArgumentException("official scoring is MMLU's (hendrycks/test); GLUE is scored as lm-evaluation-harness poses it: use harness or generate", nameof(Settings));
        }

        if (Benchmark == Mmlu && Tasks is not null)
        {
            throw new ArgumentException("tasks apply to glue only", nameof(Tasks));
        }

        foreach (var task in Tasks ?? [])
        {
            GlueTask.Get(task);
        }
    }
}
