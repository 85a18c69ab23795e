using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Models;

/// <summary>Test weights drawn from a local generator, so a failing test replays with the same numbers.</summary>
/// <remarks>xunit runs test classes in parallel, and <c>torch.manual_seed</c> seeds the one process-wide generator every
/// class draws from (module constructors included): weights seeded that way depend on what else ran meanwhile.</remarks>
internal static class SeededWeights
{
    /// <summary>Overwrites every parameter: transformers' init for <paramref name="seed"/> (<see cref="ModelInitializer"/>),
    /// then, when <paramref name="perturbation"/> is positive, plus N(0, perturbation²) noise from a generator of the same
    /// seed, which moves norms away from 1 and biases away from 0 so that every weight matters.</summary>
    public static void Fill(CausalLM model, long seed, double perturbation = 0)
    {
        ModelInitializer.Initialize(model, seed);
        if (perturbation <= 0)
        {
            return;
        }

        using var generator = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var (_, p) in model.named_parameters())
        {
            using var noise = normal(0, perturbation, p.shape, ScalarType.Float32, generator: generator);
            p.add_(noise);
        }
    }
}
