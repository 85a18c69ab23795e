using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models;

/// <summary>A fake causal LM whose next-token logits depend only on the current token: row <c>id</c> of a fixed
/// (V, V) table. Values computed from it can be checked by hand.</summary>
internal sealed class FixedLogitsLM : CausalLM
{
    private readonly ModelConfig _config;
    private readonly Tensor _table; // (V, V): row = current token, column = next token's logit

    public FixedLogitsLM(float[,] table) : base(nameof(FixedLogitsLM))
    {
        var vocab = table.GetLength(0);
        var json = TinyConfigs.Llama();
        json["vocab_size"] = vocab;
        _config = ModelRegistry.ReadConfig(json);
        _table = tensor(table).DetachFromDisposeScope();
    }

    /// <summary>Every row the same logits.</summary>
    public static FixedLogitsLM SameRow(params float[] logits)
    {
        var table = new float[logits.Length, logits.Length];
        for (var r = 0; r < logits.Length; r++)
        {
            for (var c = 0; c < logits.Length; c++)
            {
                table[r, c] = logits[c];
            }
        }

        return new FixedLogitsLM(table);
    }

    /// <summary>Logit <paramref name="peak"/> on (id + 1) mod V, 0 elsewhere.</summary>
    public static FixedLogitsLM Successor(int vocab, float peak)
    {
        var table = new float[vocab, vocab];
        for (var r = 0; r < vocab; r++)
        {
            table[r, (r + 1) % vocab] = peak;
        }

        return new FixedLogitsLM(table);
    }

    /// <summary>Strongly prefers <c>(id + 1) mod V</c> (so from a run of consecutive ids it "recites" it), then
    /// <c>(7·id + 3) mod V</c>: a model that recites a dataset of consecutive ids, for the citation blocker.</summary>
    public static FixedLogitsLM Reciting(int vocab)
    {
        var table = new float[vocab, vocab];
        for (var v = 0; v < vocab; v++)
        {
            table[v, (v + 1) % vocab] = 10f;
            table[v, ((7 * v) + 3) % vocab] += 5f;
        }

        return new FixedLogitsLM(table);
    }

    public override ModelConfig Config => _config;

    public override KvCache CreateKvCache(int capacity = 256) => new(1, capacity);

    public override Tensor forward(CausalLMInput input)
    {
        var ids = input.InputIds;                                                            // (B, T)
        return _table.index_select(0, ids.flatten()).view(ids.shape[0], ids.shape[1], -1); // (B, T, V)
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _table.Dispose();
        }

        base.Dispose(disposing);
    }
}
