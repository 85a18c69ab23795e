using Hyperfit.Models;
using Hyperfit.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Generation;

/// <summary>Models for generation tests.</summary>
internal static class GenerationModels
{
    /// <summary>The tiny random Llama (vocab 97, 128 positions) with every weight perturbed, in eval mode.</summary>
    public static CausalLM TinyLlama(ScalarType dtype = ScalarType.Float64, int seed = 3)
    {
        manual_seed(seed);
        var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.Llama()), new ModelOptions(dtype));
        using (no_grad())
        {
            foreach (var (_, p) in model.named_parameters())
            {
                p.add_(randn_like(p) * 0.3);
            }
        }

        model.eval();
        return model;
    }
}

/// <summary>A fake causal LM whose logits depend only on the current token: it strongly prefers
/// <c>(id + 1) mod V</c> (so from a run of consecutive ids it "recites" it), then <c>(7·id + 3) mod V</c>.
/// It ignores the cache, which is fine: only the last position's logits are used.</summary>
internal sealed class RecitingLM : CausalLM
{
    private readonly ModelConfig _config = ModelRegistry.ReadConfig(TinyConfigs.Llama());
    private readonly Tensor _table; // (V, V): row = current token, column = next token's logit

    public RecitingLM() : base(nameof(RecitingLM))
    {
        var vocab = _config.VocabSize;
        var table = new float[vocab * vocab];
        for (var v = 0; v < vocab; v++)
        {
            table[(v * vocab) + ((v + 1) % vocab)] = 10f;
            table[(v * vocab) + (((7 * v) + 3) % vocab)] += 5f;
        }

        _table = tensor(table, [vocab, vocab]).DetachFromDisposeScope();
    }

    public override ModelConfig Config => _config;

    public override KvCache CreateKvCache(int capacity = 256) => new(1, capacity);

    public override Tensor forward(CausalLMInput input)
    {
        var ids = input.InputIds;                                            // (B, T)
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
