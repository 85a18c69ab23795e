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
/// compute, runs forward and backward in bfloat16 (the loss itself in float32), adds each micro-batch's gradients
/// into the master's float32 gradients (so accumulation sums in float32) and steps Adam there. Small updates
/// (lr 1e-6 on weights of ~1e-2) would vanish if added to bfloat16 weights directly; the master keeps them.
/// Speed (docs/performance.md): the loss and its gradient come from <see cref="FusedCrossEntropy"/> (no float32
/// copy of the logits), and Adam runs as one pass over memory (<see cref="FusedAdam"/>).
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

    /// <summary>Where the last <see cref="Update"/> spent its time (CPU ops run synchronously, so the clock between
    /// them is exact there; on a GPU the phases blur into the next sync point).</summary>
    public TrainingPhaseTimes LastPhases { get; private set; } = new();

    /// <summary>Runs one update on (B, T) ids. Returns the mean training loss; a non-finite loss is returned
    /// without stepping, so the weights stay at their last good value.</summary>
    public float Update(Tensor ids, double learningRate)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var phases = new TrainingPhaseTimes();
        double Lap()
        {
            var ms = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            return ms;
        }

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
                compute.copy_(master); // float32 → bfloat16, rounded to nearest even
            }
        }

        // The master's float32 gradients are overwritten by the first micro-batch (AccumulateMasterGradients), so
        // under bfloat16 they keep their buffers from update to update.
        model.zero_grad();
        phases = phases with { CopyMs = Lap() };
        var rows = ids.shape[0];
        var microRows = Math.Max(1, (rows + _microBatches - 1) / _microBatches);
        var total = 0.0;
        var first = true;
        for (long start = 0; start < rows; start += microRows)
        {
            // A scope per micro-batch frees its activations before the next one runs.
            using var scope = NewDisposeScope();
            var count = Math.Min(microRows, rows - start);
            var chunk = ids.narrow(0, start, count);
            var logits = model.forward(new CausalLMInput(LanguageModelLoss.ModelInputs(chunk, model.Config.MaxPositions))); // (b, T, V) or (b, T − 1, V)
            phases = phases with { ForwardMs = phases.ForwardMs + Lap() };
            var share = (double)count / rows;
            // The fused loss pairs logit t with id t + 1 inside one (b, T, V) block; (b, T − 1, V) logits (the last id
            // only a target, LanguageModelLoss.ModelInputs) take the unfused path.
            if (FusedCrossEntropy.Supports(logits) && logits.shape[1] == chunk.shape[1])
            {
                // Loss and d(loss)/d(logits) in one pass, no float32 copy of the logits (FusedCrossEntropy); the gradient
                // overwrites the logits, which no backward function saved (the head's needs its input and weight).
                var (loss, gradient) = FusedCrossEntropy.NextToken(logits, chunk, share, overwriteLogits: true);
                total += loss;
                phases = phases with { LossMs = phases.LossMs + Lap() };
                logits.backward([gradient]);
            }
            else
            {
                var loss = LanguageModelLoss.NextToken(logits, chunk) * share;
                total += loss.item<float>(); // sync point
                phases = phases with { LossMs = phases.LossMs + Lap() };
                loss.backward();
            }

            phases = phases with { BackwardMs = phases.BackwardMs + Lap() };
            if (_compute is not null)
            {
                AccumulateMasterGradients(first);
                phases = phases with { GradientMs = phases.GradientMs + Lap() };
            }

            first = false;
        }

        if (!double.IsFinite(total))
        {
            LastPhases = phases;
            return (float)total;
        }

        if (_clipGradNorm is { } maxNorm)
        {
            using var scope = NewDisposeScope();
            nn.utils.clip_grad_norm_(_parameters, maxNorm); // on the float32 master gradients
        }

        if (!FusedAdam.TryStep(Optimizer))
        {
            Optimizer.step();
        }

        LastPhases = phases with { OptimizerMs = Lap() };
        return (float)total;
    }

    // bfloat16 compute: adds this micro-batch's gradients into the float32 master gradients and clears the
    // compute copy's, so micro-batches accumulate in float32 (summing them in bfloat16 first, as autograd would
    // into the compute parameters' .grad, rounds every partial sum to 8 bits of mantissa).
    private void AccumulateMasterGradients(bool first)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (master, compute) in _pairs)
        {
            var grad = compute.grad;
            if (grad is null)
            {
                if (first)
                {
                    master.grad = null; // no gradient this update: the optimizer skips the parameter
                }

                continue;
            }

            if (master.grad is { } masterGrad)
            {
                if (first)
                {
                    masterGrad.copy_(grad); // bf16 → fp32, exact
                }
                else
                {
                    masterGrad.add_(grad);  // fp32 += bf16, summed in fp32
                }
            }
            else
            {
                master.grad = grad.to(ScalarType.Float32); // the parameter keeps a reference; the scope frees only our handle
            }
        }

        _compute!.zero_grad();
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
