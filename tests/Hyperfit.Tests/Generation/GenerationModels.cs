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
        var model = ModelRegistry.Build(ModelRegistry.ReadConfig(TinyConfigs.Llama()), new ModelOptions(dtype));
        SeededWeights.Fill(model, seed, perturbation: 0.3);

        model.eval();
        return model;
    }
}
