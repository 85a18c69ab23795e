using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Evaluation;

/// <summary>
/// Teacher-forced scoring of token sequences with a causal LM: one forward pass per batch, float32 log-softmax, and per
/// predicted position the target log-probability, entropy, cumulative top-1..5 mass and argmax
/// (<see cref="SequencePredictions"/>). Aggregation is left to <see cref="PredictionStatistics"/> and
/// <see cref="TopOneAgreement"/>, which need no model.
/// </summary>
/// <remarks>
/// Batches are right-padded without an attention mask: under causal attention a real position never attends to a later
/// (padding) position, and positions count from 0 either way, so every real position sees exactly what it would see
/// alone; the padded positions' outputs are dropped. Sequences are batched in order of decreasing length to waste
/// little on padding; results come back in input order.
/// </remarks>
public static class ModelScorer
{
    /// <exception cref="ArgumentException">An id outside the model's vocabulary, or a sequence longer than its max positions.</exception>
    public static IReadOnlyList<SequencePredictions> Score(CausalLM model, IReadOnlyList<int[]> sequences, int batchSize = 4)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var vocab = model.Config.VocabSize;
        for (var s = 0; s < sequences.Count; s++)
        {
            var bad = Array.FindIndex(sequences[s], id => id < 0 || id >= vocab);
            if (bad >= 0)
            {
                throw new ArgumentException($"Sequence {s} holds token id {sequences[s][bad]} at position {bad}, outside the model's vocabulary (0..{vocab - 1}).", nameof(sequences));
            }

            if (sequences[s].Length > model.Config.MaxPositions)
            {
                throw new ArgumentException($"Sequence {s} has {sequences[s].Length} tokens, more than the model's max positions ({model.Config.MaxPositions}).", nameof(sequences));
            }
        }

        var results = new SequencePredictions[sequences.Count];
        var order = Enumerable.Range(0, sequences.Count).OrderByDescending(i => sequences[i].Length).ToArray();
        var device = model.parameters().FirstOrDefault()?.device ?? CPU; // a parameterless (test) model runs on the CPU
        var topK = Math.Min(SequencePredictions.MaxTopK, vocab);
        using var inference = inference_mode();
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var batch = order.Skip(start).Take(batchSize).ToArray();
            var longest = sequences[batch[0]].Length;
            if (longest < 2)
            {
                // Nothing is predicted in a sequence of 0 or 1 token.
                foreach (var index in batch)
                {
                    results[index] = Empty();
                }

                continue;
            }

            ScoreBatch(model, sequences, batch, longest, topK, device, results);
        }

        return results;
    }

    private static void ScoreBatch(CausalLM model, IReadOnlyList<int[]> sequences, int[] batch, int longest, int topK, Device device,
        SequencePredictions[] results)
    {
        using var scope = NewDisposeScope();
        var rows = batch.Length;
        var host = new long[rows * longest]; // right padding with id 0, never scored
        for (var r = 0; r < rows; r++)
        {
            var ids = sequences[batch[r]];
            for (var t = 0; t < ids.Length; t++)
            {
                host[(r * longest) + t] = ids[t];
            }
        }

        var input = tensor(host, [rows, longest], device: device);                         // (B, T)
        var logits = model.forward(input).narrow(1, 0, longest - 1);                      // (B, T−1, V): position t predicts t+1
        var logp = logits.to_type(ScalarType.Float32).log_softmax(-1);                    // (B, T−1, V) float32
        var targets = input.narrow(1, 1, longest - 1).unsqueeze(-1);                      // (B, T−1, 1)
        var targetLogp = logp.gather(2, targets).squeeze(-1);                             // (B, T−1)
        var p = logp.exp();
        var entropy = -torch.where(p > 0, p * logp, zeros_like(p)).sum(-1);              // (B, T−1); 0·ln 0 = 0
        var topMass = p.topk(topK, dim: -1).values.cumsum(-1);                            // (B, T−1, K)
        var argmax = logp.argmax(-1);                                                     // (B, T−1)
        var hostLogp = targetLogp.cpu().data<float>().ToArray();                          // sync point
        var hostEntropy = entropy.cpu().data<float>().ToArray();
        var hostTop = topMass.cpu().data<float>().ToArray();
        var hostArgmax = argmax.cpu().data<long>().ToArray();
        var width = longest - 1;
        for (var r = 0; r < rows; r++)
        {
            var n = Math.Max(0, sequences[batch[r]].Length - 1);
            var top = new float[SequencePredictions.MaxTopK][];
            for (var k = 0; k < top.Length; k++)
            {
                top[k] = new float[n];
                for (var i = 0; i < n; i++)
                {
                    // Beyond the vocabulary size every token is already counted: the mass stays at @V.
                    top[k][i] = hostTop[(((r * width) + i) * topK) + Math.Min(k, topK - 1)];
                }
            }

            results[batch[r]] = new SequencePredictions(
                hostLogp.AsSpan(r * width, n).ToArray(),
                hostEntropy.AsSpan(r * width, n).ToArray(),
                top,
                hostArgmax.AsSpan(r * width, n).ToArray().Select(v => (int)v).ToArray());
        }
    }

    private static SequencePredictions Empty() =>
        new([], [], Enumerable.Range(0, SequencePredictions.MaxTopK).Select(_ => Array.Empty<float>()).ToArray(), []);
}
