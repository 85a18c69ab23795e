using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperfit.Models.Cpu;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Training;

/// <summary>The next-token loss of <see cref="LanguageModelLoss.NextToken"/> and its gradient with respect to the
/// logits in one pass over the logits, row by row, without autograd.</summary>
/// <remarks>
/// Through autograd the loss costs a float32 copy of the (B, T, V) logits, its log-softmax, a float32 gradient of
/// the same size and a cast back: four full-vocabulary tensors per micro-batch, each written and read again. Here
/// each row (one position's V logits) is read once into a per-thread float32 buffer, and its loss term and its
/// gradient <c>(softmax − onehot)·scale/N</c> come out of that buffer, the gradient written in the logits' dtype
/// (bfloat16 rounded to nearest even, as autograd's cast would). The training step then runs
/// <c>logits.backward(gradient)</c>. The arithmetic is log-softmax's (max-shifted exponentials, float32 sums), so
/// values agree with autograd's up to float32 summation order (tested); the last position of each row predicts
/// nothing and gets a zero gradient.
/// </remarks>
internal static unsafe class FusedCrossEntropy
{
    // Rows per work item: enough to amortise scheduling, few enough to balance two threads.
    private const int RowsPerItem = 32;

    /// <summary>Mean cross-entropy of logits[:, :-1] against ids[:, 1:] times <paramref name="scale"/>, and
    /// d(that)/d(logits) as a new tensor shaped and typed like <paramref name="logits"/>, or written over the logits
    /// themselves with <paramref name="overwriteLogits"/>.</summary>
    /// <param name="logits">(B, T, V) float32 or bfloat16, contiguous, on the CPU.</param>
    /// <param name="ids">(B, T) int64 token ids in [0, V).</param>
    /// <param name="scale">Factor on the loss (and so on the gradient): the micro-batch's share of the batch.</param>
    /// <param name="overwriteLogits">True: the gradient is written into the logits' own storage (each row is read
    /// before it is overwritten) and returned as a detached view of it. The training step uses this because the
    /// head's backward needs its input and weight, never its output: it saves one full-vocabulary tensor per
    /// micro-batch (64 MiB at 8 × 256 × 8192 float32) and the page faults of allocating it.</param>
    public static (double Loss, Tensor Gradient) NextToken(Tensor logits, Tensor ids, double scale = 1.0, bool overwriteLogits = false)
    {
        var (b, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2]);
        if (!Supports(logits) || ids.dim() != 2 || ids.shape[0] != b || ids.shape[1] != t)
        {
            throw new ArgumentException($"fused cross-entropy needs contiguous (B, T, V) float32/bfloat16 CPU logits and (B, T) ids; got " +
                $"{logits.dtype} ({string.Join(", ", logits.shape)}) and ({string.Join(", ", ids.shape)})", nameof(logits));
        }

        if (t < 2)
        {
            throw new ArgumentException("the next-token loss needs at least 2 positions per row", nameof(ids));
        }

        using var scope = NewDisposeScope();
        var targets = ids.to_type(ScalarType.Int64).contiguous();
        var (low, high) = (targets.min().item<long>(), targets.max().item<long>());
        if (low < 0 || high >= v)
        {
            throw new ArgumentException($"token id {(low < 0 ? low : high)} is outside the vocabulary (0 … {v - 1})", nameof(ids));
        }

        var gradient = overwriteLogits ? logits.detach() : empty(logits.shape, logits.dtype, logits.device);
        var rows = b * t;
        var n = b * (t - 1);
        var job = new Job
        {
            Logits = logits.dtype == ScalarType.Float32 ? TensorMemory.Float32(logits) : TensorMemory.BFloat16(logits),
            Gradient = logits.dtype == ScalarType.Float32 ? TensorMemory.Float32(gradient) : TensorMemory.BFloat16(gradient),
            IsBFloat16 = logits.dtype == ScalarType.BFloat16,
            Ids = TensorMemory.Int64(targets),
            Positions = t,
            Vocabulary = (int)v,
            GradientScale = (float)(scale / n),
        };
        var items = (int)((rows + RowsPerItem - 1) / RowsPerItem);
        var partial = new double[items];
        IntraOpParallel.For(items, i => partial[i] = Rows(job, i * (long)RowsPerItem, Math.Min(rows, (i + 1) * (long)RowsPerItem)));

        // Summed in item order whatever the thread count: the same loss bit for bit on every run.
        var sum = 0.0;
        foreach (var p in partial)
        {
            sum += p;
        }

        return (sum / n * scale, gradient.MoveToOuterDisposeScope());
    }

    /// <summary>Whether <see cref="NextToken"/> takes these logits.</summary>
    public static bool Supports(Tensor logits) =>
        logits.dim() == 3 && logits.device_type == DeviceType.CPU && logits.is_contiguous()
        && logits.dtype is ScalarType.Float32 or ScalarType.BFloat16;

    private struct Job
    {
        public void* Logits, Gradient;
        public bool IsBFloat16;
        public long* Ids;
        public long Positions;
        public int Vocabulary;
        public float GradientScale;
    }

    // Rows [first, end) of the flattened (B·T, V) logits: returns their summed loss terms, writes their gradients.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Rows(Job job, long first, long end)
    {
        var v = job.Vocabulary;
        var buffer = (float*)NativeMemory.AlignedAlloc((nuint)v * sizeof(float), 64);
        try
        {
            var sum = 0.0;
            for (var row = first; row < end; row++)
            {
                var position = row % job.Positions;
                var offset = row * v;
                if (position == job.Positions - 1)
                {
                    // The last position has no next token: no loss term, zero gradient.
                    if (job.IsBFloat16)
                    {
                        new Span<ushort>((ushort*)job.Gradient + offset, v).Clear();
                    }
                    else
                    {
                        new Span<float>((float*)job.Gradient + offset, v).Clear();
                    }

                    continue;
                }

                var target = job.Ids[row + 1]; // checked to lie in [0, V) up front
                float* x;
                if (job.IsBFloat16)
                {
                    BFloat16Bits.ToFloat((ushort*)job.Logits + offset, buffer, v);
                    x = buffer;
                }
                else
                {
                    x = (float*)job.Logits + offset;
                }

                var logitsRow = new ReadOnlySpan<float>(x, v);
                var targetLogit = x[target];
                var max = TensorPrimitives.Max(logitsRow);
                var exps = new Span<float>(buffer, v);
                TensorPrimitives.Subtract(logitsRow, max, exps);
                TensorPrimitives.Exp(exps, exps);
                var total = TensorPrimitives.Sum(exps);
                // −log softmax(x)[target] = log Σ exp(x − max) − (x[target] − max)
                sum += MathF.Log(total) - (targetLogit - max);
                // d/dx = (softmax − onehot) · scale / N
                TensorPrimitives.Multiply(exps, job.GradientScale / total, exps);
                buffer[target] -= job.GradientScale;
                if (job.IsBFloat16)
                {
                    BFloat16Bits.FromFloat(buffer, (ushort*)job.Gradient + offset, v);
                }
                else
                {
                    exps.CopyTo(new Span<float>((float*)job.Gradient + offset, v));
                }
            }

            return sum;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }
}
