using Hyperfit.Training;

namespace Hyperfit.ScaleOut;

/// <summary>What <see cref="JobExporter.Export"/> turns into a job folder: the same inputs as <c>hyperfit train</c>
/// (model, data, recipe) plus where and how the PyTorch engine runs them.</summary>
/// <param name="Recipe">A validated recipe; its <c>dtype</c> must agree with <paramref name="Precision"/> when that is given.</param>
/// <param name="ProcessesPerNode">GPUs per node (on CPU: gloo processes per node).</param>
/// <param name="Precision">Null: the recipe's dtype decides (float32 → fp32, bfloat16 → bf16-mixed).</param>
/// <param name="MicroBatchSize">Sequences per forward/backward on one device; null: the largest that divides the
/// per-device batch and is at most the recipe's micro-batch (batch_size / gradient_accumulation_steps).</param>
/// <param name="CopyModel">Copy the model folder into the job (self-contained); false records its absolute path.</param>
public sealed record JobExportRequest(
    string ModelDirectory,
    string DataPath,
    HyperfitRecipe Recipe,
    ScaleOutEngine Engine,
    string OutputDirectory,
    int Nodes = 1,
    int ProcessesPerNode = 1,
    ScaleOutPrecision? Precision = null,
    bool GradientCheckpointing = false,
    int? MicroBatchSize = null,
    string TextField = "text",
    bool CopyModel = true);
