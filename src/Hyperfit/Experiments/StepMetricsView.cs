using Hyperfit.Evaluation;

namespace Hyperfit.Experiments;

/// <summary>Typed lookups into a run's step metrics (<see cref="ExperimentResults.Steps"/>) as the tables need them:
/// a decoding's value on a context set is the mean over seeds; null when a step or a value is missing.</summary>
public sealed class StepMetricsView(ExperimentSpec spec, IReadOnlyDictionary<string, EvaluationMetrics> steps)
{
    /// <summary>A decoding's evaluate steps on a set, mean over seeds.</summary>
    public double? Eval(string decoding, string set, Func<EvaluationMetrics, double?> value) =>
        Stats.Mean(spec.Seeds.Select(seed => Step(ExperimentPlan.EvaluateStep(decoding, set, seed), value)));

    /// <summary>The original texts' text metrics of a set.</summary>
    public double? Original(string set, Func<EvaluationMetrics, double?> value) => Step(ExperimentPlan.OriginalStep(set), value);

    /// <summary>A model's scores on the original texts of a set (Table 3), or null.</summary>
    public ModelScores? Reference(string model, string set, long seed) =>
        steps.GetValueOrDefault(ExperimentPlan.ReferenceStep(model, set, seed))?.ModelMetrics?.Models is { Count: > 0 } models ? models[0] : null;

    public double? Step(string step, Func<EvaluationMetrics, double?> value) =>
        steps.GetValueOrDefault(step) is { } metrics ? value(metrics) : null;

    public EvaluationMetrics? Metrics(string step) => steps.GetValueOrDefault(step);
}
