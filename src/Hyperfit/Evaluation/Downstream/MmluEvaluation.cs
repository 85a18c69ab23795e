using Hyperfit.Models;
using Hyperfit.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>MMLU for one model (paper App. B.4.1, Table 7): every subject's questions with k shots (the subject's first
/// k dev questions) for each k asked for, accuracy per subject, per category and overall, and on the 0-shot run the
/// perplexity of the prompts.</summary>
public static class MmluEvaluation
{
    /// <summary>Questions prepared and scored together (progress is reported at least this often).</summary>
    private const int Chunk = 128;

    /// <param name="modelName">The label of this model in progress messages and predictions.</param>
    /// <param name="predictions">Receives one line per question and run, when given.</param>
    public static IReadOnlyList<MmluRunResult> Run(CausalLM model, HfTokenizer tokenizer, string modelName, MmluDataset data,
        DownstreamSettings settings, ICollection<DownstreamPrediction>? predictions = null, IProgress<DownstreamProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var engine = new DownstreamEngine(model, tokenizer, settings.Scoring, DownstreamEngine.ResolveMaxLength(model.Config, settings.MaxLength),
            settings.BatchTokens, settings.GenerateTokens);
        var items = data.Subjects
            .SelectMany(subject => data.Questions(subject).Take(settings.Limit ?? int.MaxValue).Select((q, i) => (Question: q, Index: i)))
            .ToArray();
        var onCpu = (model.parameters().FirstOrDefault()?.device_type ?? DeviceType.CPU) == DeviceType.CPU;
        // Scoring runs many-row forwards: the column-major weight layout libtorch's products are fastest with.
        using var layout = onCpu && settings.Scoring != DownstreamScoring.Generate ? model.UseInferenceLayout(decodeKernel: false) : null;
        var results = new List<MmluRunResult>();
        foreach (var shots in settings.Shots)
        {
            results.Add(RunShots(engine, modelName, data, items, shots, predictions, progress, cancellation));
        }

        return results;
    }

    private static MmluRunResult RunShots(DownstreamEngine engine, string modelName, MmluDataset data, (MmluQuestion Question, int Index)[] items,
        int shots, ICollection<DownstreamPrediction>? predictions, IProgress<DownstreamProgress>? progress, CancellationToken cancellation)
    {
        var timer = new StageTimer($"{modelName} · mmlu {shots}-shot", items.Length, progress);
        var correct = new bool?[items.Length];
        var correctNorm = new bool?[items.Length];
        var shotsUsed = new int?[items.Length];
        var unparsable = 0;
        var perplexities = new List<double>();
        double logProbSum = 0;
        long tokens = 0;
        for (var start = 0; start < items.Length; start += Chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            var chunk = Enumerable.Range(start, Math.Min(Chunk, items.Length - start)).ToArray();
            var prepared = chunk.Select(i =>
            {
                var (question, _) = items[i];
                var dev = data.Dev(question.Subject);
                return engine.Prepare(k => PromptFormat.Mmlu(question, [.. dev.Take(k)], engine.Scoring), shots, MmluQuestion.Letters, scoreContext: shots == 0);
            }).ToArray();
            var answerable = chunk.Where((_, j) => prepared[j] is not null).ToArray();
            var skipped = chunk.Length - answerable.Length;
            var answers = engine.Answer([.. prepared.Where(p => p is not null).Select(p => p!)], timer.Add, cancellation);
            if (skipped > 0)
            {
                timer.Add(skipped);
            }

            var a = 0;
            for (var j = 0; j < chunk.Length; j++)
            {
                var i = chunk[j];
                var (question, index) = items[i];
                if (prepared[j] is not { } p)
                {
                    predictions?.Add(new DownstreamPrediction(modelName, question.Subject, index, shots, null, question.Answer, -1, null, null, null, null, true));
                    continue;
                }

                var answer = answers[a++];
                correct[i] = answer.Predicted == question.Answer;
                correctNorm[i] = answer.PredictedNorm is { } norm ? norm == question.Answer : null;
                shotsUsed[i] = p.ShotsUsed;
                unparsable += answer.Predicted < 0 ? 1 : 0;
                if (answer.ContextLogProbs is { Length: > 0 } logProbs)
                {
                    var sum = logProbs.Sum(v => (double)v);
                    perplexities.Add(Math.Exp(-sum / logProbs.Length));
                    logProbSum += sum;
                    tokens += logProbs.Length;
                }

                predictions?.Add(new DownstreamPrediction(modelName, question.Subject, index, shots, p.ShotsUsed, question.Answer, answer.Predicted,
                    answer.PredictedNorm, answer.Scores, answer.Generated, p.ContextIds.Length, false));
            }
        }

        var scored = shotsUsed.Count(s => s is not null);
        var harness = engine.Scoring == DownstreamScoring.Harness;
        var subjects = data.Subjects
            .Select(subject => Group(subject, items.Select((item, i) => (item, i)).Where(x => x.item.Question.Subject == subject).Select(x => x.i), correct, correctNorm, harness))
            .ToArray();
        var categories = MmluSubjects.Categories.Append(Uncategorized)
            .Select(category => Group(category,
                items.Select((item, i) => (item, i)).Where(x => (MmluSubjects.Category(x.item.Question.Subject) ?? Uncategorized) == category).Select(x => x.i),
                correct, correctNorm, harness))
            .Where(g => g.Questions > 0)
            .ToArray();
        var all = Group("all", Enumerable.Range(0, items.Length), correct, correctNorm, harness);
        return new MmluRunResult(
            shots, items.Length, scored, items.Length - scored, shotsUsed.Count(s => s < shots),
            scored > 0 ? shotsUsed.Where(s => s is not null).Average(s => (double)s!.Value) : null,
            all.Accuracy, all.AccuracyNorm, engine.Scoring == DownstreamScoring.Generate ? unparsable : null,
            subjects, categories,
            shots == 0 && perplexities.Count > 0 ? new PromptPerplexity(perplexities.Average(), Math.Exp(-logProbSum / tokens), tokens, perplexities.Count) : null,
            timer.Seconds, timer.Rate);
    }

    /// <summary>The category of subjects outside the official 57.</summary>
    public const string Uncategorized = "uncategorized";

    private static GroupAccuracy Group(string name, IEnumerable<int> members, bool?[] correct, bool?[] correctNorm, bool harness)
    {
        var indices = members.ToArray();
        var scored = indices.Where(i => correct[i] is not null).ToArray();
        double? Share(bool?[] values) => scored.Length == 0 ? null : scored.Count(i => values[i] == true) / (double)scored.Length;
        return new GroupAccuracy(name, indices.Length, Share(correct), harness ? Share(correctNorm) : null);
    }
}
