using System.Globalization;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>
/// Batched log-likelihood of answer continuations. The context of a question runs once and its keys and values are
/// shared by all of its answers: one forward over the left-padded contexts of a batch of questions (with the padding
/// mask and <c>cumsum(mask) − 1</c> positions, so each row computes what it would alone), whose last position already
/// scores every answer's first token; answers of more than one token then extend copies of their question's cache
/// with their remaining tokens in a second, short forward. A 4-way MMLU question thus costs one context forward, not
/// four. Equal, up to float32 rounding, to scoring each context + continuation in a full forward of its own (tested).
/// </summary>
public static class ChoiceScorer
{
    /// <summary>Upper bound on batch elements of the full (B, T, V) log-softmax when context tokens are scored.</summary>
    private const long ContextLogitBudget = 1L << 25;

    /// <param name="batchTokens">Padded context tokens per forward (rows × longest context), at least one row.</param>
    /// <param name="onScored">Called with the number of requests finished after every batch.</param>
    /// <exception cref="ArgumentException">An empty context or continuation, an id outside the vocabulary, or a
    /// request longer than the model's max positions.</exception>
    public static IReadOnlyList<ChoiceScores> Score(CausalLM model, IReadOnlyList<ChoiceRequest> requests, int batchTokens = 4096,
        Action<int>? onScored = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchTokens, 1);
        Validate(model.Config, requests);
        var results = new ChoiceScores[requests.Count];
        // Longest first: rows of similar length share a batch and little is padded.
        var order = Enumerable.Range(0, requests.Count).OrderByDescending(i => requests[i].Context.Length).ToArray();
        var device = model.parameters().FirstOrDefault()?.device ?? CPU;
        var vocab = model.Config.VocabSize;
        using var inference = inference_mode();
        var start = 0;
        while (start < order.Length)
        {
            cancellation.ThrowIfCancellationRequested();
            var longest = requests[order[start]].Context.Length;
            var rows = 1;
            while (start + rows < order.Length && (long)(rows + 1) * longest <= batchTokens
                   && (!requests[order[start + rows]].ScoreContext || (long)(rows + 1) * longest * vocab <= ContextLogitBudget))
            {
                rows++;
            }

            var batch = order.AsSpan(start, rows).ToArray();
            ScoreBatch(model, requests, batch, longest, device, results);
            start += rows;
            onScored?.Invoke(rows);
        }

        return results;
    }

    private static void Validate(ModelConfig config, IReadOnlyList<ChoiceRequest> requests)
    {
        for (var r = 0; r < requests.Count; r++)
        {
            var request = requests[r];
            if (request.Context.Length == 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"request {r} has an empty context"), nameof(requests));
            }

            var longestAnswer = 0;
            foreach (var ids in request.Continuations.Prepend(request.Context))
            {
                if (ids.Length == 0)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"request {r} has an empty continuation"), nameof(requests));
                }

                var bad = Array.FindIndex(ids, id => id < 0 || id >= config.VocabSize);
                if (bad >= 0)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"request {r} holds token id {ids[bad]}, outside the model's vocabulary (0..{config.VocabSize - 1})"), nameof(requests));
                }

                if (!ReferenceEquals(ids, request.Context))
                {
                    longestAnswer = Math.Max(longestAnswer, ids.Length);
                }
            }

            // The last continuation token is only predicted, never fed.
            var fed = request.Context.Length + Math.Max(0, longestAnswer - 1);
            if (fed > config.MaxPositions)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"request {r} feeds {fed} tokens, more than the model's max positions ({config.MaxPositions})"), nameof(requests));
            }
        }
    }

    private static void ScoreBatch(CausalLM model, IReadOnlyList<ChoiceRequest> requests, int[] batch, int longest, Device device,
        ChoiceScores[] results)
    {
        using var scope = NewDisposeScope();
        var rows = batch.Length;
        var scoreContext = batch.Any(i => requests[i].ScoreContext);
        var extra = batch.Max(i => requests[i].Continuations.Count == 0 ? 0 : requests[i].Continuations.Max(c => c.Length) - 1);

        // Contexts left-padded: every row ends at the last column, whose logits score the answers' first tokens.
        var ids = new long[rows * longest];
        var mask = new long[rows * longest];
        for (var r = 0; r < rows; r++)
        {
            var context = requests[batch[r]].Context;
            var pad = longest - context.Length;
            for (var t = 0; t < longest; t++)
            {
                ids[(r * longest) + t] = t < pad ? context[0] : context[t - pad];
                mask[(r * longest) + t] = t < pad ? 0 : 1;
            }
        }

        // The cache is only kept when some answer has more than one token (single-token answers, such as MMLU's
        // letters, are all scored by the context forward's last position); a batch without padding needs no mask.
        using var cache = extra > 0 ? model.CreateKvCache(longest + extra) : null;
        var inputIds = tensor(ids, [rows, longest], device: device);                               // (B, T)
        var padded = batch.Any(i => requests[i].Context.Length < longest);
        var inputMask = padded ? tensor(mask, [rows, longest], device: device) : null;              // (B, T)
        var logits = model.forward(new CausalLMInput(inputIds, inputMask, Cache: cache, LogitsToKeep: scoreContext ? 0 : 1));
        var last = logits.narrow(1, logits.shape[1] - 1, 1).squeeze(1).to_type(ScalarType.Float32).log_softmax(-1); // (B, V)
        var lastHost = last.cpu().data<float>().ToArray();                                         // sync point
        var argmaxHost = last.argmax(-1).cpu().data<long>().ToArray();
        var vocab = (int)last.shape[1];

        float[]? contextHost = null;
        if (scoreContext)
        {
            var logp = logits.narrow(1, 0, longest - 1).to_type(ScalarType.Float32).log_softmax(-1);  // (B, T−1, V)
            var targets = inputIds.narrow(1, 1, longest - 1).unsqueeze(-1);                         // (B, T−1, 1)
            contextHost = logp.gather(2, targets).squeeze(-1).cpu().data<float>().ToArray();        // (B, T−1)
        }

        var logLikelihoods = new double[rows][];
        var greedy = new bool[rows][];
        var pairs = new List<(int Row, int Choice)>();
        for (var r = 0; r < rows; r++)
        {
            var continuations = requests[batch[r]].Continuations;
            logLikelihoods[r] = new double[continuations.Count];
            greedy[r] = new bool[continuations.Count];
            for (var c = 0; c < continuations.Count; c++)
            {
                var first = continuations[c][0];
                logLikelihoods[r][c] = lastHost[(r * vocab) + first];
                greedy[r][c] = argmaxHost[r] == first;
                if (continuations[c].Length > 1)
                {
                    pairs.Add((r, c));
                }
            }
        }

        if (pairs.Count > 0)
        {
            ScoreRest(model, requests, batch, longest, mask, pairs, cache!, device, logLikelihoods, greedy);
        }

        for (var r = 0; r < rows; r++)
        {
            var request = requests[batch[r]];
            float[]? contextLogProbs = null;
            if (request.ScoreContext)
            {
                // Row r's tokens sit in columns pad … T−1; column t−1 predicts column t.
                var pad = longest - request.Context.Length;
                contextLogProbs = contextHost!.AsSpan((r * (longest - 1)) + pad, request.Context.Length - 1).ToArray();
            }

            results[batch[r]] = new ChoiceScores(logLikelihoods[r], greedy[r], contextLogProbs);
        }
    }

    /// <summary>Answers longer than one token: copies of their question's cache run the answer's tokens but the last.</summary>
    private static void ScoreRest(CausalLM model, IReadOnlyList<ChoiceRequest> requests, int[] batch, int longest, long[] contextMask,
        List<(int Row, int Choice)> pairs, KvCache cache, Device device, double[][] logLikelihoods, bool[][] greedy)
    {
        var count = pairs.Count;
        var steps = pairs.Max(p => requests[batch[p.Row]].Continuations[p.Choice].Length) - 1;
        var ids = new long[count * steps];
        var targets = new long[count * steps];
        var mask = new long[count * (longest + steps)];
        for (var p = 0; p < count; p++)
        {
            var (row, choice) = pairs[p];
            var continuation = requests[batch[row]].Continuations[choice];
            Array.Copy(contextMask, row * longest, mask, p * (longest + steps), longest);
            for (var j = 0; j < continuation.Length - 1; j++)
            {
                ids[(p * steps) + j] = continuation[j];
                targets[(p * steps) + j] = continuation[j + 1];
                mask[(p * (longest + steps)) + longest + j] = 1;
            }
        }

        cache.SelectRows(tensor(pairs.Select(p => (long)p.Row).ToArray(), device: device));         // (P) rows of (B)
        var logits = model.forward(new CausalLMInput(
            tensor(ids, [count, steps], device: device),                                          // (P, S)
            tensor(mask, [count, longest + steps], device: device),                               // (P, T + S)
            Cache: cache));                                                                       // (P, S, V)
        var logp = logits.to_type(ScalarType.Float32).log_softmax(-1);
        var gathered = logp.gather(2, tensor(targets, [count, steps], device: device).unsqueeze(-1)).squeeze(-1).cpu().data<float>().ToArray();
        var argmax = logp.argmax(-1).cpu().data<long>().ToArray();                                 // (P, S)
        for (var p = 0; p < count; p++)
        {
            var (row, choice) = pairs[p];
            var continuation = requests[batch[row]].Continuations[choice];
            double sum = 0;
            var isGreedy = true;
            for (var j = 0; j < continuation.Length - 1; j++)
            {
                sum += gathered[(p * steps) + j];
                isGreedy &= argmax[(p * steps) + j] == continuation[j + 1];
            }

            logLikelihoods[row][choice] += sum;
            greedy[row][choice] &= isGreedy;
        }
    }
}
