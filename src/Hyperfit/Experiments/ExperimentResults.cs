using Hyperfit.Evaluation;
using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>
/// A run's <c>results.json</c> (<see cref="ResultsFile"/>): what produced it (version, date, spec, step timings), every
/// evaluate step's metrics, and the paper's tables as rows. A table the spec did not ask for is null; so is a cell
/// that could not be computed. report.md is rendered from this record (<see cref="ExperimentMarkdown"/>).
/// </summary>
public sealed record ExperimentResults
{
    /// <summary>The Hyperfit build that wrote the file (<see cref="HyperfitVersion.Current"/>).</summary>
    public string? HyperfitVersion { get; init; }

    /// <summary>When the file was written (UTC, ISO 8601).</summary>
    public string? WrittenUtc { get; init; }

    public required string SpecFile { get; init; }

    public required string SpecHash { get; init; }

    public required IReadOnlyList<long> Seeds { get; init; }

    /// <summary>Tokens generated per context: the lengths behind the TTR columns (§4: 224).</summary>
    public int? NewTokens { get; init; }

    /// <summary>Every step in plan order with the time it took when it ran.</summary>
    public IReadOnlyList<StepTiming>? StepTimings { get; init; }

    /// <summary>Every step's metrics.json, by step name.</summary>
    public required IReadOnlyDictionary<string, EvaluationMetrics> Steps { get; init; }

    public IReadOnlyList<Table1Row>? Table1 { get; init; }

    /// <summary>Table 4 from the human study.</summary>
    public IReadOnlyList<HumanTable4Row>? Table4 { get; init; }

    /// <summary>The human study's full report, when the run was given one.</summary>
    public StudyReport? HumanStudy { get; init; }

    /// <summary>With several hyperfitting datasets: the data each decoding's dataset metrics compare with.</summary>
    public IReadOnlyDictionary<string, string>? DatasetOf { get; init; }

    public IReadOnlyList<Table2Row>? Table2 { get; init; }

    public IReadOnlyList<PerSetRow>? Table5 { get; init; }

    public IReadOnlyList<Table3Row>? Table3 { get; init; }

    /// <summary>Table 4 automatic: 256 TTR per hyperfitting dataset and context set.</summary>
    public IReadOnlyList<PerSetRow>? Table4Ttr { get; init; }

    public AgreementTable? Top1Agreement { get; init; }

    public IReadOnlyList<SweepRow>? SampleSweep { get; init; }

    public IReadOnlyList<DirectionRow>? Direction { get; init; }

    /// <summary>Appendix B.4: Tables 7 (MMLU) and 8 (GLUE) per seed, in spec order; null when the spec has no
    /// <c>downstream</c> section, an entry missing when its step did not finish.</summary>
    public IReadOnlyList<DownstreamTable>? Downstream { get; init; }
}
