using Hyperfit.Models;
using Hyperfit.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>GLUE for one model (paper App. B.4.2, Table 8): each task's dev examples zero-shot and few-shot, the shots
/// drawn per example from the training split with its label distribution kept (<see cref="LabelPreservingSampler"/>),
/// lowered while the prompt does not fit; accuracy always, F1 for MRPC and QQP, Matthews correlation for CoLA.</summary>
public static class GlueEvaluation
{
    private const int Chunk = 128;

    /// <param name="tasks">Loaded tasks (with their training split when any shots are asked for).</param>
    public static IReadOnlyList<GlueRunResult> Run(CausalLM model, HfTokenizer tokenizer, string modelName, IReadOnlyList<GlueDataset> tasks,
        DownstreamSettings settings, ICollection<DownstreamPrediction>? predictions = null, IProgress<DownstreamProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (settings.Scoring == DownstreamScoring.Official)
        {
            throw new ArgumentException("official scoring is MMLU's (hendrycks/test); GLUE is scored as lm-evaluation-harness poses it: use harness or generate");
        }

        var engine = new DownstreamEngine(model, tokenizer, settings.Scoring, DownstreamEngine.ResolveMaxLength(model.Config, settings.MaxLength),
            settings.BatchTokens, settings.GenerateTokens);
        var onCpu = (model.parameters().FirstOrDefault()?.device_type ?? DeviceType.CPU) == DeviceType.CPU;
        using var layout = onCpu && settings.Scoring != DownstreamScoring.Generate ? model.UseInferenceLayout(decodeKernel: false) : null;
        var results = new List<GlueRunResult>();
        foreach (var data in tasks)
        {
            var sampler = settings.Shots.Any(k => k > 0)
                ? new LabelPreservingSampler([.. data.Train.Select(e => e.Label)], data.Task.Choices.Count)
                : null;
            foreach (var shots in settings.Shots)
            {
                results.Add(RunShots(engine, modelName, data, sampler, shots, settings, predictions, progress, cancellation));
            }
        }

        return results;
    }

    private static GlueRunResult RunShots(DownstreamEngine engine, string modelName, GlueDataset data, LabelPreservingSampler? sampler, int shots,
        DownstreamSettings settings, ICollection<DownstreamPrediction>? predictions, IProgress<DownstreamProgress>? progress, CancellationToken cancellation)
    {
        var task = data.Task;
        var examples = data.Validation.Take(settings.Limit ?? int.MaxValue).ToArray();
        var timer = new StageTimer($"{modelName} · glue {task.Name} {shots}-shot", examples.Length, progress);
        var gold = new List<int>();
        var predicted = new List<int>();
        var predictedNorm = new List<int>();
        var shotsUsed = new List<int>();
        var shotLabels = new int[task.Choices.Count];
        for (var start = 0; start < examples.Length; start += Chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            var chunk = Enumerable.Range(start, Math.Min(Chunk, examples.Length - start)).ToArray();
            var drawn = new Dictionary<(int, int), GlueExample[]>();
            GlueExample[] Shots(int index, int k)
            {
                if (!drawn.TryGetValue((index, k), out var chosen))
                {
                    chosen = k == 0 ? [] : [.. sampler!.Sample(k, settings.Seed, index).Select(j => data.Train[j])];
                    drawn[(index, k)] = chosen;
                }

                return chosen;
            }

            var prepared = chunk.Select(i => engine.Prepare(k => PromptFormat.Glue(task, examples[i], Shots(i, k)), shots, task.Choices, scoreContext: false)).ToArray();
            var answers = engine.Answer([.. prepared.Where(p => p is not null).Select(p => p!)], timer.Add, cancellation);
            var skipped = prepared.Count(p => p is null);
            if (skipped > 0)
            {
                timer.Add(skipped);
            }

            var a = 0;
            for (var j = 0; j < chunk.Length; j++)
            {
                var i = chunk[j];
                var example = examples[i];
                if (prepared[j] is not { } p)
                {
                    predictions?.Add(new DownstreamPrediction(modelName, task.Name, i, shots, null, example.Label, -1, null, null, null, null, true));
                    continue;
                }

                var answer = answers[a++];
                gold.Add(example.Label);
                predicted.Add(answer.Predicted);
                predictedNorm.Add(answer.PredictedNorm ?? -1);
                shotsUsed.Add(p.ShotsUsed);
                foreach (var shot in Shots(i, p.ShotsUsed))
                {
                    shotLabels[shot.Label]++;
                }

                predictions?.Add(new DownstreamPrediction(modelName, task.Name, i, shots, p.ShotsUsed, example.Label, answer.Predicted,
                    answer.PredictedNorm, answer.Scores, answer.Generated, p.ContextIds.Length, false));
            }
        }

        var harness = engine.Scoring == DownstreamScoring.Harness;
        return new GlueRunResult(
            task.Name, shots, examples.Length, gold.Count, examples.Length - gold.Count, shotsUsed.Count(s => s < shots),
            shotsUsed.Count > 0 ? shotsUsed.Average() : null, shotLabels,
            ClassificationMetrics.Accuracy(gold, predicted),
            harness ? ClassificationMetrics.Accuracy(gold, predictedNorm) : null,
            task.ReportsF1 ? ClassificationMetrics.F1(gold, predicted) : null,
            task.ReportsMcc ? ClassificationMetrics.MatthewsCorrelation(gold, predicted) : null,
            engine.Scoring == DownstreamScoring.Generate ? predicted.Count(v => v < 0) : null,
            timer.Seconds, timer.Rate);
    }
}
