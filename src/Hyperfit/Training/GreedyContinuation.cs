using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>Batched greedy decoding with a KV cache, just enough for validation TTR. To be replaced by the
/// generator (<c>Hyperfit.Generation</c>) once it lands: no padding, no stopping at EOS, no sampling.</summary>
public static class GreedyContinuation
{
    /// <summary>Continues every context by <paramref name="newTokens"/> argmax tokens.</summary>
    /// <param name="contexts">Contexts of one common length (validation contexts are all exactly 32 tokens).</param>
    /// <returns>The generated ids only, one array per context.</returns>
    public static int[][] Generate(CausalLM model, IReadOnlyList<int[]> contexts, int newTokens)
    {
        var batch = contexts.Count;
        var result = new int[batch][];
        for (var i = 0; i < batch; i++)
        {
            result[i] = new int[newTokens];
        }

        if (batch == 0 || newTokens == 0)
        {
            return result;
        }

        var length = contexts[0].Length;
        if (contexts.Any(c => c.Length != length))
        {
            throw new ArgumentException("all contexts must have the same length (this decoder does not pad)", nameof(contexts));
        }

        var device = model.parameters().First().device;
        using var inference = inference_mode();
        using var cache = model.CreateKvCache(length + newTokens);
        var flat = contexts.SelectMany(c => c.Select(id => (long)id)).ToArray();
        long[] next;
        using (var scope = NewDisposeScope())
        {
            var ids = tensor(flat, [batch, length]).to(device);            // (B, T)
            var logits = model.forward(new CausalLMInput(ids, Cache: cache)); // (B, T, V)
            next = logits.select(1, length - 1).argmax(-1).cpu().data<long>().ToArray(); // sync point
        }

        for (var step = 0; ; step++)
        {
            for (var i = 0; i < batch; i++)
            {
                result[i][step] = (int)next[i];
            }

            if (step == newTokens - 1)
            {
                return result;
            }

            using var scope = NewDisposeScope();
            var ids = tensor(next, [batch, 1]).to(device);                     // (B, 1)
            var logits = model.forward(new CausalLMInput(ids, Cache: cache)); // (B, 1, V)
            next = logits.select(1, 0).argmax(-1).cpu().data<long>().ToArray(); // sync point
        }
    }
}
