using Hyperfit.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>One optimizer update: forward and backward over the batch (in micro-batches when accumulating), then
/// Adam on the float32 master weights.</summary>
/// <remarks>
/// bfloat16: TorchSharp 0.107 has no autocast, so mixed precision is done by hand. The float32 model is the
/// master (the optimizer owns its parameters and state); a bfloat16 copy computes. Each update copies master →
/// compute, runs forward and backward in bfloat16 (the loss itself in float32), copies the gradients into the
/// master's float32 gradients and steps Adam there. Small updates (lr 1e-6 on weights of ~1e-2) would vanish
/// if added to bfloat16 weights directly; the master keeps them.
/// Activation checkpointing is not offered: TorchSharp has no <c>torch.utils.checkpoint</c>, and a hand-made
/// one needs a custom autograd function that re-runs a block's forward inside backward, which TorchSharp
/// 0.107 cannot express for modules (its custom <c>autograd.Function</c> support does not cover re-entrant
/// module calls). Gradient accumulation is the memory lever instead.
/// </remarks>
public sealed class TrainingStep : IDisposable
{
    private readonly CausalLM _master;
    private readonly CausalLM? _compute;
    private readonly (Parameter Master, Parameter Compute)[] _pairs;
    private readonly int _microBatches;
    private readonly double? _clipGradNorm;
    private readonly Parameter[] _parameters;

    /// <param name="master">Float32 model; trained in place. Not owned.</param>
    public TrainingStep(CausalLM master, HyperfitRecipe recipe)
    {
        _master = master;
        _microBatches = recipe.GradientAccumulationSteps;
        var parameters = UniqueParameters(master).ToList();
        if (parameters.Any(p => p.Parameter.dtype != ScalarType.Float32))
        {
            throw new ArgumentException("the master model must hold float32 parameters (load it with dtype float32)");
        }

        _clipGradNorm = recipe.ClipGradNorm;
        if (recipe.Optimizer == OptimizerKind.AdamW)
        {
            // Decoupled decay on matrices only (embeddings, projections, head); norms (1-D) are not decayed.
            // The optimizer's state order is group by group, so the names are ordered the same way.
            parameters = parameters.Where(p => p.Parameter.dim() >= 2).Concat(parameters.Where(p => p.Parameter.dim() < 2)).ToList();
            var decayed = parameters.Where(p => p.Parameter.dim() >= 2).Select(p => p.Parameter);
            var undecayed = parameters.Where(p => p.Parameter.dim() < 2).Select(p => p.Parameter);
            // TorchSharp's factories default beta2 to 0.99: every hyperparameter is passed explicitly.
            Optimizer = new AdamW(
                [
                    new AdamW.ParamGroup(decayed, new AdamW.Options { LearningRate = recipe.LearningRate, beta1 = recipe.Beta1, beta2 = recipe.Beta2, eps = recipe.Epsilon, weight_decay = recipe.WeightDecay }),
                    new AdamW.ParamGroup(undecayed, new AdamW.Options { LearningRate = recipe.LearningRate, beta1 = recipe.Beta1, beta2 = recipe.Beta2, eps = recipe.Epsilon, weight_decay = 0 }),
                ],
                recipe.LearningRate, recipe.Beta1, recipe.Beta2, recipe.Epsilon, recipe.WeightDecay);
        }
        else
        {
            Optimizer = new Adam(parameters.Select(p => p.Parameter), recipe.LearningRate, recipe.Beta1, recipe.Beta2, recipe.Epsilon,
                recipe.WeightDecay);
        }

        ParameterNames = parameters.Select(p => p.Name).ToArray();
        _parameters = parameters.Select(p => p.Parameter).ToArray();
        if (recipe.UsesBFloat16)
        {
            var device = parameters[0].Parameter.device;
            _compute = ModelRegistry.Build(master.Config, new ModelOptions(ScalarType.BFloat16, device, recipe.Dropout));
            var computeParameters = UniqueParameters(_compute).ToDictionary(p => p.Name, p => p.Parameter);
            _pairs = parameters.Select(p => (p.Parameter, computeParameters[p.Name])).ToArray();
        }
        else
        {
            _pairs = [];
        }
    }

    /// <summary>Adam or AdamW over the master parameters, in <see cref="ParameterNames"/> order.</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>The master parameters' names, in the optimizer's order (tied weights once).</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    /// <summary>Runs one update on (B, T) ids. Returns the mean training loss; a non-finite loss is returned
    /// without stepping, so the weights stay at their last good value.</summary>
    public float Update(Tensor ids, double learningRate)
    {
        foreach (var group in Optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }

        var model = _compute ?? _master;
        model.train();
        if (_compute is not null)
        {
            using var _ = no_grad();
            foreach (var (master, compute) in _pairs)
            {
                compute.copy_(master);
            }
        }

        model.zero_grad();
        Optimizer.zero_grad();
        var rows = ids.shape[0];
        var microRows = Math.Max(1, (rows + _microBatches - 1) / _microBatches);
        var total = 0f;
        for (long start = 0; start < rows; start += microRows)
        {
            // A scope per micro-batch frees its activations before the next one runs.
            using var scope = NewDisposeScope();
            var count = Math.Min(microRows, rows - start);
            var chunk = ids.narrow(0, start, count);
            var logits = model.forward(new CausalLMInput(LanguageModelLoss.ModelInputs(chunk, model.Config.MaxPositions))); // (b, T, V) or (b, T − 1, V)
            var loss = LanguageModelLoss.NextToken(logits, chunk) * ((double)count / rows);
            loss.backward();
            total += loss.item<float>(); // sync point
        }

        if (!float.IsFinite(total))
        {
            return total;
        }

        if (_compute is not null)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            foreach (var (master, compute) in _pairs)
            {
                var grad = compute.grad;
                if (grad is null)
                {
                    continue;
                }

                if (master.grad is { } masterGrad)
                {
                    masterGrad.copy_(grad); // bf16 → fp32
                }
                else
                {
                    master.grad = grad.to(ScalarType.Float32); // the parameter keeps a reference; the scope frees only our handle
                }
            }
        }

        if (_clipGradNorm is { } maxNorm)
        {
            using var scope = NewDisposeScope();
            nn.utils.clip_grad_norm_(_parameters, maxNorm); // on the float32 master gradients
        }

        Optimizer.step();
        return total;
    }

    /// <summary>Parameters by name, each tensor once (a tied head shares the embedding).</summary>
    public static IEnumerable<(string Name, Parameter Parameter)> UniqueParameters(CausalLM model)
    {
        var seen = new HashSet<IntPtr>();
        foreach (var (name, p) in model.named_parameters())
        {
            if (seen.Add(p.Handle))
            {
                yield return (name, p);
            }
        }
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        _compute?.Dispose();
    }
}
