using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models;

/// <summary>Fresh weights the way transformers' <c>_init_weights</c> draws them, for models trained from scratch.</summary>
public static class ModelInitializer
{
    /// <summary>Matrices and embeddings ~ N(0, <paramref name="std"/>) (config <c>initializer_range</c>, 0.02 by
    /// default); norm weights 1; biases 0. GPT-2's and ImageGPT's residual projections (<c>c_proj</c>) get std/√(2·layers),
    /// as in GPT-2's paper and transformers. Deterministic for a seed.</summary>
    public static void Initialize(CausalLM model, long seed, double std = 0.02)
    {
        using var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        var residualStd = std / Math.Sqrt(2.0 * model.Config.NumLayers);
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.dim() >= 2)
            {
                var s = model is GPT2.GPT2LMHeadModel or ImageGPT.ImageGPTForCausalImageModeling && name.EndsWith("c_proj.weight", StringComparison.Ordinal) ? residualStd : std;
                using var drawn = normal(0, s, p.shape, float32, generator: generator);
                p.copy_(drawn);
            }
            else if (name.EndsWith("bias", StringComparison.Ordinal))
            {
                p.zero_();
            }
            else
            {
                p.fill_(1.0);
            }
        }
    }
}
