using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>
/// <c>results.json</c> (every step's metrics, per seed, and the paper's tables: <see cref="ExperimentTables"/>) and
/// <c>report.md</c> (rendered from those records: <see cref="ExperimentMarkdown"/>), built only from the files the run's
/// steps wrote. With several seeds the tables show the mean over seeds.
/// </summary>
public static class ExperimentReport
{
    /// <summary>The figures the run draws into <c>OUT/figures/</c> for this spec (file relative to OUT, caption with
    /// the paper's figure number); see <see cref="ExperimentFigures"/>.</summary>
    public static IReadOnlyList<ExperimentFigure> ExpectedFigures(ExperimentSpec spec) => ExperimentFigures.Expected(spec);

    /// <param name="figureFailures">Figure file → why it was not drawn (from <see cref="ExperimentFigures.Write"/>).</param>
    /// <param name="human">A human study of this run: Table 1's Pref columns and Table 4 (<see cref="HumanPreferenceTables"/>).</param>
    /// <param name="timings">The steps' timings for results.json.</param>
    public static (ExperimentResults Results, string Markdown) Build(ExperimentSpec spec, ExperimentPlan plan,
        IReadOnlyDictionary<string, string>? figureFailures = null, StudyReport? human = null, IReadOnlyList<StepTiming>? timings = null)
    {
        var results = ExperimentTables.Build(spec, plan, human, timings);
        return (results, ExperimentMarkdown.Render(spec, plan, results, figureFailures, human));
    }
}
