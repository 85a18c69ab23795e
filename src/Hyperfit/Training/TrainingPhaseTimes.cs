namespace Hyperfit.Training;

/// <summary>Milliseconds one <see cref="TrainingStep.Update"/> spent per phase, summed over its micro-batches.</summary>
/// <param name="CopyMs">Master → bfloat16 compute weights, and clearing the gradients.</param>
/// <param name="ForwardMs">The model's forward passes, up to the logits.</param>
/// <param name="LossMs">The next-token loss (and, when fused, its gradient with respect to the logits).</param>
/// <param name="BackwardMs">Autograd's backward passes from the logits.</param>
/// <param name="GradientMs">bfloat16 compute gradients added into the float32 master gradients.</param>
/// <param name="OptimizerMs">Gradient clipping (when on) and the Adam/AdamW step.</param>
public sealed record TrainingPhaseTimes(
    double CopyMs = 0, double ForwardMs = 0, double LossMs = 0, double BackwardMs = 0, double GradientMs = 0, double OptimizerMs = 0)
{
    public double TotalMs => CopyMs + ForwardMs + LossMs + BackwardMs + GradientMs + OptimizerMs;
}
