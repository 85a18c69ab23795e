using Hyperfit.Checkpoints;
using Hyperfit.Evaluation.Downstream;
using Hyperfit.Models;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Evaluation.Downstream;

/// <summary>End-to-end runs on a tiny model against brute force: every prompt re-encoded and run alone through a full
/// forward, the answer taken by a plain arg-max.</summary>
public sealed class DownstreamEvaluationTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CausalLM _model;
    private readonly HfTokenizer _tokenizer;

    public DownstreamEvaluationTests()
    {
        var modelDir = DownstreamFiles.TinyModel(_dir.File("model"));
        _model = HfModelLoader.Load(modelDir);
        _model.eval();
        _tokenizer = HfTokenizer.Load(modelDir);
    }

    public void Dispose()
    {
        _model.Dispose();
        _dir.Dispose();
    }

    /// <summary>Log-softmax rows of a full forward of <paramref name="ids"/> alone.</summary>
    private float[][] LogProbs(IReadOnlyList<int> ids)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var logits = _model.forward(tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Count])).to_type(ScalarType.Float32).log_softmax(-1);
        return [.. Enumerable.Range(0, ids.Count).Select(t => logits[0, t].data<float>().ToArray())];
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) < 1e-4 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    private static int ArgMax(double[] values) => Array.IndexOf(values, values.Max());

    [Fact]
    public void Should_choose_the_brute_force_arg_max_in_official_mode_and_measure_the_prompt_perplexity()
    {
        // Given the MMLU sample and the official scoring with 0 and 2 shots
        var data = MmluDataset.Load(DownstreamFiles.WriteMmlu(_dir.File("mmlu"), "csv"), maxShots: 2);
        var predictions = new List<DownstreamPrediction>();
        var runs = MmluEvaluation.Run(_model, _tokenizer, "tiny", data, new DownstreamSettings { Scoring = DownstreamScoring.Official, Shots = [0, 2] }, predictions);

        // Then each prediction is the arg-max of the last position's logits over tokenizer(letter)[-1]
        var letterIds = MmluQuestion.Letters.Select(l => _tokenizer.Encode(l)[^1]).ToArray();
        foreach (var run in runs)
        {
            var correct = 0;
            var perplexities = new List<double>();
            foreach (var subject in data.Subjects)
            {
                var questions = data.Questions(subject);
                for (var i = 0; i < questions.Count; i++)
                {
                    var ids = _tokenizer.Encode(PromptFormat.Mmlu(questions[i], [.. data.Dev(subject).Take(run.Shots)], DownstreamScoring.Official));
                    var rows = LogProbs(ids);
                    var scores = letterIds.Select(id => (double)rows[^1][id]).ToArray();
                    var expected = ArgMax(scores);
                    var prediction = predictions.Single(p => p.Group == subject && p.Index == i && p.Shots == run.Shots);
                    Assert.Equal(expected, prediction.Predicted);
                    Assert.Equal(ids.Count, prediction.PromptTokens);
                    for (var c = 0; c < 4; c++)
                    {
                        Close(scores[c], prediction.Scores![c]);
                    }

                    correct += expected == questions[i].Answer ? 1 : 0;
                    perplexities.Add(Math.Exp(-Enumerable.Range(1, ids.Count - 1).Average(t => (double)rows[t - 1][ids[t]])));
                }
            }

            Assert.Equal(correct / 4.0, run.Accuracy!.Value, 12);
            Assert.Null(run.AccuracyNorm);
            if (run.Shots == 0)
            {
                Assert.Equal(perplexities.Average(), run.ZeroShotPerplexity!.MeanOverQuestions, 2);
            }
            else
            {
                Assert.Null(run.ZeroShotPerplexity);
            }
        }
    }

    [Fact]
    public void Should_choose_the_brute_force_arg_max_of_summed_log_likelihoods_in_harness_mode()
    {
        // Given the GLUE tasks with label-preserving shots and harness scoring
        DownstreamFiles.WriteGlue(_dir.File("glue"), "jsonl");
        var tasks = GlueTask.All.Select(t => GlueDataset.Load(_dir.File("glue"), t, withTrain: true)).ToArray();
        var settings = new DownstreamSettings { Scoring = DownstreamScoring.Harness, Shots = [0, 2], Seed = 5 };
        var predictions = new List<DownstreamPrediction>();
        var runs = GlueEvaluation.Run(_model, _tokenizer, "tiny", tasks, settings, predictions);

        foreach (var run in runs)
        {
            var data = tasks.Single(t => t.Task.Name == run.Task);
            var sampler = new LabelPreservingSampler([.. data.Train.Select(e => e.Label)], data.Task.Choices.Count);
            var gold = new List<int>();
            var expected = new List<int>();
            for (var i = 0; i < data.Validation.Count; i++)
            {
                // Brute force: each answer " word" appended to the prompt, encoded whole, scored in its own full forward
                var shots = sampler.Sample(run.Shots, 5, i).Select(j => data.Train[j]).ToArray();
                var prompt = PromptFormat.Glue(data.Task, data.Validation[i], shots);
                var context = _tokenizer.Encode(prompt);
                var ll = data.Task.Choices.Select(choice =>
                {
                    var whole = _tokenizer.Encode(prompt + " " + choice);
                    var rows = LogProbs(whole);
                    return Enumerable.Range(context.Count, whole.Count - context.Count).Sum(t => (double)rows[t - 1][whole[t]]);
                }).ToArray();
                var prediction = predictions.Single(p => p.Group == run.Task && p.Index == i && p.Shots == run.Shots);
                Assert.Equal(ArgMax(ll), prediction.Predicted);
                Assert.Equal(ArgMax([.. ll.Select((v, c) => v / data.Task.Choices[c].Length)]), prediction.PredictedNorm);
                for (var c = 0; c < ll.Length; c++)
                {
                    Close(ll[c], prediction.Scores![c]);
                }

                gold.Add(data.Validation[i].Label);
                expected.Add(ArgMax(ll));
            }

            // And the run's metrics are those of the brute-force predictions
            Assert.Equal(ClassificationMetrics.Accuracy(gold, expected), run.Accuracy);
            Assert.Equal(data.Task.ReportsF1 ? ClassificationMetrics.F1(gold, expected) : null, run.F1);
            Assert.Equal(data.Task.ReportsMcc ? ClassificationMetrics.MatthewsCorrelation(gold, expected) : null, run.Mcc);
            Assert.Equal(run.Shots * data.Validation.Count, run.ShotLabelCounts.Sum());
        }
    }

    [Fact]
    public void Should_lower_the_shots_while_the_prompt_is_too_long_and_skip_what_never_fits()
    {
        // Given the MMLU sample and a limit between the 0-shot and 2-shot prompt lengths
        var data = MmluDataset.Load(DownstreamFiles.WriteMmlu(_dir.File("mmlu"), "jsonl"), maxShots: 2);
        var lengths = data.Subjects.SelectMany(s => data.Questions(s).Select(q =>
            (Zero: _tokenizer.Encode(PromptFormat.Mmlu(q, [], DownstreamScoring.Official)).Count,
             Two: _tokenizer.Encode(PromptFormat.Mmlu(q, [.. data.Dev(s).Take(2)], DownstreamScoring.Official)).Count))).ToArray();
        var limit = lengths.Max(l => l.Zero);
        Assert.True(lengths.All(l => l.Two > limit));

        // When 2 shots are asked for
        var run = MmluEvaluation.Run(_model, _tokenizer, "tiny", data, new DownstreamSettings { Shots = [2], MaxLength = limit })[0];

        // Then every question is answered with fewer shots (each with the most that fit)
        Assert.Equal(4, run.Scored);
        Assert.Equal(4, run.ShotsLowered);
        Assert.True(run.MeanShotsUsed < 2);

        // And with a limit below the shortest 0-shot prompt, questions are skipped and counted, accuracy only over the rest
        var shortest = lengths.Min(l => l.Zero);
        var tight = MmluEvaluation.Run(_model, _tokenizer, "tiny", data, new DownstreamSettings { Shots = [0], MaxLength = shortest })[0];
        var fitting = lengths.Count(l => l.Zero <= shortest);
        Assert.Equal(fitting, tight.Scored);
        Assert.Equal(4 - fitting, tight.SkippedTooLong);
        Assert.NotNull(tight.Accuracy);
        var none = MmluEvaluation.Run(_model, _tokenizer, "tiny", data, new DownstreamSettings { Shots = [0], MaxLength = shortest - 1 })[0];
        Assert.Equal(0, none.Scored);
        Assert.Null(none.Accuracy);
        Assert.Null(none.ZeroShotPerplexity);
    }

    [Fact]
    public void Should_answer_with_the_first_answer_word_of_a_greedy_generation()
    {
        // Given RTE and generate mode with 3 tokens
        DownstreamFiles.WriteGlue(_dir.File("glue"), "parquet", [GlueTask.Rte]);
        var data = GlueDataset.Load(_dir.File("glue"), GlueTask.Rte, withTrain: false);
        var predictions = new List<DownstreamPrediction>();
        var run = GlueEvaluation.Run(_model, _tokenizer, "tiny", [data], new DownstreamSettings { Scoring = DownstreamScoring.Generate, Shots = [0], GenerateTokens = 3 }, predictions)[0];

        // Then each generation equals a brute-force greedy decode (arg-max of a full forward, token by token)
        var eos = _tokenizer.EosTokenIds.ToHashSet();
        for (var i = 0; i < data.Validation.Count; i++)
        {
            var ids = _tokenizer.Encode(PromptFormat.Glue(GlueTask.Rte, data.Validation[i], [])).ToList();
            var generated = new List<int>();
            for (var step = 0; step < 3; step++)
            {
                var row = LogProbs(ids)[^1];
                var next = Array.IndexOf(row, row.Max());
                generated.Add(next);
                ids.Add(next);
                if (eos.Contains(next))
                {
                    break;
                }
            }

            var text = AnswerMatcher.FirstLine(_tokenizer.Decode(generated, skipSpecialTokens: true));
            var prediction = predictions.Single(p => p.Index == i);
            Assert.Equal(text, prediction.Generated);
            Assert.Equal(AnswerMatcher.Match(text, GlueTask.Rte.Choices), prediction.Predicted);
            Assert.Null(prediction.Scores);
        }

        Assert.Equal(predictions.Count(p => p.Predicted < 0), run.Unparsable);
        Assert.Null(run.AccuracyNorm);
    }

    [Fact]
    public void Should_stop_when_cancelled()
    {
        var data = MmluDataset.Load(DownstreamFiles.WriteMmlu(_dir.File("mmlu"), "csv"));
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            MmluEvaluation.Run(_model, _tokenizer, "tiny", data, new DownstreamSettings { Shots = [0] }, cancellation: cancel.Token));
    }
}
