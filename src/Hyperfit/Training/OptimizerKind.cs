using System.Text.Json.Serialization;

namespace Hyperfit.Training;

/// <summary>The optimizer a recipe steps with.</summary>
public enum OptimizerKind
{
    /// <summary>§3: Adam; a non-zero weight decay is the L2 penalty added to the gradient (PyTorch's Adam).</summary>
    Adam,

    /// <summary>Pre-training: Adam with decoupled weight decay (Loshchilov &amp; Hutter), applied to matrices only.</summary>
    [JsonStringEnumMemberName("adamw")]
    AdamW,
}
