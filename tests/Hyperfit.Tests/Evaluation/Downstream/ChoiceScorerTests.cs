using Hyperfit.Evaluation.Downstream;
using Hyperfit.Models;
using Hyperfit.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Evaluation.Downstream;

public sealed class ChoiceScorerTests
{
    private static CausalLM Perturbed(string family)
    {
        var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.ByName(family)), new ModelOptions(ScalarType.Float32));
        SeededWeights.Fill(model, seed: 11, perturbation: 0.3);

        model.eval();
        return model;
    }

    /// <summary>The oracle: context + continuation in one full forward of its own, no cache, no padding, no mask.</summary>
    private static double FullForward(CausalLM model, int[] context, int[] continuation)
    {
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        int[] sequence = [.. context, .. continuation];
        var logits = model.forward(tensor(sequence.Select(i => (long)i).ToArray(), [1, sequence.Length]));
        var logp = logits.to_type(ScalarType.Float32).log_softmax(-1);
        double sum = 0;
        for (var j = 0; j < continuation.Length; j++)
        {
            sum += logp[0, context.Length - 1 + j, continuation[j]].item<float>();
        }

        return sum;
    }

    private static ChoiceRequest[] Requests(int vocab, int seed)
    {
        var random = new Random(seed);
        int[] Ids(int n) => [.. Enumerable.Range(0, n).Select(_ => random.Next(vocab))];
        // Contexts of different lengths (left padding), answers of 1 to 3 tokens (the cached second pass).
        return
        [
            new(Ids(9), [Ids(1), Ids(1), Ids(1), Ids(1)], ScoreContext: true),
            new(Ids(3), [Ids(2), Ids(1), Ids(3)]),
            new(Ids(14), [Ids(3), Ids(2)], ScoreContext: true),
            new(Ids(1), [Ids(1), Ids(2)]),
            new(Ids(6), [Ids(1), Ids(1), Ids(2), Ids(3), Ids(1)]),
        ];
    }

    public static TheoryData<string> Families() => new(["llama", "llama-gqa-tied-llama3", "qwen2", "gpt2"]);

    [Theory]
    [MemberData(nameof(Families))]
    public void Should_give_each_choice_the_log_likelihood_of_a_direct_full_forward(string family)
    {
        // Given a tiny random model of the family and questions with contexts and answers of different lengths
        using var model = Perturbed(family);
        var requests = Requests(model.Config.VocabSize, seed: 5);

        foreach (var batchTokens in new[] { 1, 20, 4096 })
        {
            // When they are scored in batches (one row each, a few, all at once)
            var scores = ChoiceScorer.Score(model, requests, batchTokens);

            // Then every answer's log-likelihood equals its own full forward, and so does every context token's
            for (var r = 0; r < requests.Length; r++)
            {
                for (var c = 0; c < requests[r].Continuations.Count; c++)
                {
                    var expected = FullForward(model, requests[r].Context, requests[r].Continuations[c]);
                    Assert.True(Math.Abs(expected - scores[r].LogLikelihoods[c]) < 1e-4,
                        $"{family} batch {batchTokens} request {r} choice {c}: {scores[r].LogLikelihoods[c]} vs {expected}");
                }

                if (requests[r].ScoreContext)
                {
                    var context = requests[r].Context;
                    Assert.Equal(context.Length - 1, scores[r].ContextLogProbs!.Length);
                    for (var t = 1; t < context.Length; t++)
                    {
                        var expected = FullForward(model, context[..t], [context[t]]);
                        Assert.True(Math.Abs(expected - scores[r].ContextLogProbs![t - 1]) < 1e-4, $"{family} request {r} context token {t}");
                    }
                }
                else
                {
                    Assert.Null(scores[r].ContextLogProbs);
                }
            }
        }
    }

    [Fact]
    public void Should_mark_an_answer_greedy_exactly_when_each_of_its_tokens_is_the_arg_max()
    {
        // Given a model and a context
        using var model = Perturbed("llama");
        int[] context = [5, 17, 33, 2];
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var logits = model.forward(tensor(context.Select(i => (long)i).ToArray(), [1, context.Length]));
        var best = (int)logits[0, context.Length - 1].argmax().item<long>();
        var next = (int)model.forward(tensor(context.Append(best).Select(i => (long)i).ToArray(), [1, context.Length + 1]))[0, context.Length].argmax().item<long>();
        var other = (best + 1) % model.Config.VocabSize;

        // When the greedy two-token answer and two others are scored
        var scores = ChoiceScorer.Score(model, [new ChoiceRequest(context, [[best, next], [other], [best, (next + 1) % model.Config.VocabSize]])]);

        // Then only the first is greedy
        Assert.Equal([true, false, false], scores[0].Greedy);
    }

    [Fact]
    public void Should_reject_requests_longer_than_the_model_and_empty_answers()
    {
        using var model = Perturbed("gpt2"); // 64 positions
        var tooLong = Assert.Throws<ArgumentException>(() => ChoiceScorer.Score(model, [new ChoiceRequest(new int[64], [[1, 2]])]));
        Assert.Contains("feeds 65 tokens", tooLong.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => ChoiceScorer.Score(model, [new ChoiceRequest([1], [[]])]));
        Assert.Contains("empty continuation", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_leave_no_tensor_behind()
    {
        // Given a model and requests scored once
        using var model = Perturbed("llama");
        var requests = Requests(model.Config.VocabSize, seed: 6);
        ChoiceScorer.Score(model, requests, 30);

        // When they are scored again, counting live tensors
        DisposeScopeManager.Statistics.Reset();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        ChoiceScorer.Score(model, requests, 30);

        // Then the count is unchanged
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
