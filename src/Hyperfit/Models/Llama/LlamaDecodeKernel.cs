using System.Collections.Frozen;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperfit.Models.Common;
using Hyperfit.Models.Cpu;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models.Llama;

/// <summary>One-token, KV-cached forward steps of a Llama-family model (Llama, Qwen2) on the CPU with the
/// hand-written float32 kernels of <see cref="CpuKernels"/> instead of the module graph: the same computation as
/// <see cref="LlamaModel"/> + head (RMSNorm, q/k/v with optional biases, rotary, grouped-query attention over the
/// cache, SwiGLU), without ~40 libtorch calls per layer and with the weights streamed at memory speed.</summary>
/// <remarks>Runs only configs whose every feature it implements (<see cref="Unsupported"/>: a feature added to
/// <see cref="LlamaConfig"/> later keeps the module graph until it is implemented here) and on processors with native
/// vectors, at their widest width (<see cref="SimdWidths.Hardware"/>). Built by <see cref="LlamaForCausalLM"/> inside <see cref="CausalLM.UseInferenceLayout"/>, where the
/// weights are frozen: it keeps their addresses, so it must not outlive the scope, and the model must not be changed
/// or run from another thread meanwhile. Results equal the module graph's up to float32 summation order (tested).</remarks>
internal sealed unsafe class LlamaDecodeKernel : IDisposable
{
    /// <summary>Rows up to which a step runs here; larger batches are matrix–matrix products libtorch does well.</summary>
    public const int MaxRows = 16;

    // Addresses of one decoder layer's weights (biases null when absent).
    private struct LayerWeights
    {
        public float* InputNorm, Q, K, V, QBias, KBias, VBias, O, OBias, PostNorm, Gate, Up, Down, GateBias, UpBias, DownBias;
    }

    private readonly LlamaModel _model;
    private readonly LayerWeights[] _layers;
    private readonly float* _embedding;
    private readonly float* _finalNorm;
    private readonly float* _head;
    private readonly int _vocab, _hidden, _intermediate, _heads, _kvHeads, _headDim;
    private readonly float _eps, _scale;
    private readonly SimdWidth _width;
    private readonly CpuTeam _team;
    private readonly ChunkedMatVec _products;
    private readonly AttentionWork _attention;

    // Scratch for MaxRows rows, one aligned block: x (residual), xn (normed), q, k, v, attention output, MLP gate,
    // up and activation, projection output; scores grow with the sequence.
    private readonly float* _scratch;
    private readonly float* _x, _xn, _q, _k, _v, _attn, _gate, _up, _act, _proj;
    private float* _scores; // one block of _scoresCapacity floats per thread of _team
    private int _scoresCapacity;
    private bool _disposed;

    private LlamaDecodeKernel(LlamaModel model, Tensor headWeight, SimdWidth width, int threads)
    {
        _model = model;
        _width = width;
        _team = new CpuTeam(threads);
        _products = new ChunkedMatVec(_team, width);
        _attention = new AttentionWork(this);
        var c = model.LlamaConfig;
        (_vocab, _hidden, _intermediate) = (c.VocabSize, c.HiddenSize, c.IntermediateSize);
        (_heads, _kvHeads, _headDim) = (c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadDim);
        _eps = (float)c.RmsNormEps;
        _scale = 1f / MathF.Sqrt(_headDim); // HF's head_dim ** -0.5, SDPA's default
        _embedding = TensorMemory.Float32(model.EmbeddingWeight);
        _finalNorm = TensorMemory.Float32(model.Norm.Weight);
        _head = TensorMemory.Float32(headWeight);
        _layers = model.Layers.Select(l => new LayerWeights
        {
            InputNorm = TensorMemory.Float32(l.InputLayernorm.Weight),
            Q = Weight(l.SelfAttention.QProj), K = Weight(l.SelfAttention.KProj), V = Weight(l.SelfAttention.VProj),
            QBias = Bias(l.SelfAttention.QProj), KBias = Bias(l.SelfAttention.KProj), VBias = Bias(l.SelfAttention.VProj),
            O = Weight(l.SelfAttention.OProj), OBias = Bias(l.SelfAttention.OProj),
            PostNorm = TensorMemory.Float32(l.PostAttentionLayernorm.Weight),
            Gate = Weight(l.Mlp.GateProj), Up = Weight(l.Mlp.UpProj), Down = Weight(l.Mlp.DownProj),
            GateBias = Bias(l.Mlp.GateProj), UpBias = Bias(l.Mlp.UpProj), DownBias = Bias(l.Mlp.DownProj),
        }).ToArray();

        long[] sizes =
        [
            _hidden, _hidden, _heads * _headDim, _kvHeads * _headDim, _kvHeads * _headDim, _heads * _headDim,
            _intermediate, _intermediate, _intermediate, _hidden,
        ];
        var offsets = new long[sizes.Length];
        long total = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            offsets[i] = total;
            total += RoundUp(sizes[i] * MaxRows);
        }

        _scratch = (float*)NativeMemory.AlignedAlloc((nuint)(total * sizeof(float)), 64);
        _x = _scratch + offsets[0];
        _xn = _scratch + offsets[1];
        _q = _scratch + offsets[2];
        _k = _scratch + offsets[3];
        _v = _scratch + offsets[4];
        _attn = _scratch + offsets[5];
        _gate = _scratch + offsets[6];
        _up = _scratch + offsets[7];
        _act = _scratch + offsets[8];
        _proj = _scratch + offsets[9];
    }

    /// <summary>Every <see cref="LlamaConfig"/> property, with what the kernel does about it. A property missing here
    /// (a feature added to the config later) makes <see cref="Unsupported"/> refuse every model until the kernel
    /// implements it and it is listed — so a new feature falls back to the module graph instead of being ignored.</summary>
    private static readonly FrozenSet<string> ImplementedConfig = new[]
    {
        nameof(LlamaConfig.Architecture),          // checked below: the three families that share this decoder
        nameof(LlamaConfig.Raw),                   // config.json as read: not a feature
        nameof(LlamaConfig.VocabSize), nameof(LlamaConfig.VocabSizeValue),
        nameof(LlamaConfig.HiddenSize), nameof(LlamaConfig.HiddenSizeValue),
        nameof(LlamaConfig.IntermediateSize),      // SwiGLU width
        nameof(LlamaConfig.NumLayers), nameof(LlamaConfig.NumHiddenLayers),
        nameof(LlamaConfig.NumAttentionHeads), nameof(LlamaConfig.NumKeyValueHeads), // grouped-query attention
        nameof(LlamaConfig.HeadDim),               // any head_dim, also one that is not hidden / heads
        nameof(LlamaConfig.RmsNormEps),
        nameof(LlamaConfig.RopeTheta), nameof(LlamaConfig.RopeScaling), // the model's own rotary angles; types checked below
        nameof(LlamaConfig.MaxPositions), nameof(LlamaConfig.MaxPositionEmbeddings),
        nameof(LlamaConfig.TieWordEmbeddings), nameof(LlamaConfig.TieWordEmbeddingsValue), // the head streams the embedding
        nameof(LlamaConfig.QkvBias), nameof(LlamaConfig.OutputBias), nameof(LlamaConfig.MlpBias),
        nameof(LlamaConfig.SlidingWindow),         // refused past the window, like the module graph (CheckSlidingWindow)
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Architectures =
        new[] { "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> RopeScalingTypes = new[] { "linear", "llama3" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Why <paramref name="config"/> cannot run on this kernel, or null when every feature it uses is one the
    /// kernel implements (<see cref="ImplementedConfig"/>, an explicit list).</summary>
    internal static string? Unsupported(LlamaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var unknown = typeof(LlamaConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.Name).Where(n => !ImplementedConfig.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            return $"the decode kernel does not implement config field(s) {string.Join(", ", unknown)}";
        }

        if (!Architectures.Contains(config.Architecture))
        {
            return $"the decode kernel does not implement architecture {config.Architecture}";
        }

        return config.RopeScaling is { } scaling && !RopeScalingTypes.Contains(scaling.Type)
            ? $"the decode kernel does not implement rope_scaling type {scaling.Type}"
            : null;
    }

    /// <summary>Why this model cannot use the kernel at all (its config, or a processor without native vectors), or
    /// null when it can.</summary>
    internal static string? Unavailable(LlamaConfig config) =>
        Unsupported(config) ?? (SimdWidths.Hardware is null ? "the processor has no vector unit .NET uses" : null);

    /// <summary>A kernel for <paramref name="model"/>'s current weights with <paramref name="width"/>-bit vectors
    /// (default: the processor's, <see cref="SimdWidths.Hardware"/>) on <paramref name="threads"/> threads (default:
    /// libtorch's intra-op count when it is built, which the caller's steps then leave to this kernel), or null when
    /// its config is not one the kernel implements (<see cref="Unavailable"/>) or the weights are not all contiguous
    /// float32 CPU tensors (other dtypes and devices keep the module graph).</summary>
    public static LlamaDecodeKernel? TryCreate(LlamaModel model, Tensor headWeight, IEnumerable<Tensor> parameters, SimdWidth? width = null,
        int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var chosen = width ?? SimdWidths.Hardware;
        return chosen is { } w && Unsupported(model.LlamaConfig) is null
               && parameters.All(TensorMemory.IsContiguousFloat32) && TensorMemory.IsContiguousFloat32(headWeight)
            ? new LlamaDecodeKernel(model, headWeight, w, Math.Max(1, threads ?? get_num_threads()))
            : null;
    }

    /// <summary>The vector width this kernel computes with.</summary>
    public SimdWidth Width => _width;

    /// <summary>Threads a step runs on, the calling thread included.</summary>
    public int Threads => _team.Threads;

    /// <summary>True when <paramref name="input"/> is a step this kernel runs: one new token per row, at most
    /// <see cref="MaxRows"/> rows, a cache, no gradients, CPU ids.</summary>
    public static bool CanRun(CausalLMInput input) =>
        input.Cache is not null && input.InputIds.shape[1] == 1 && input.InputIds.shape[0] <= MaxRows
        && !is_grad_enabled() && input.InputIds.device_type == DeviceType.CPU;

    /// <summary>Logits (B, 1, V) of the next token; appends this step's keys and values to the cache.</summary>
    public Tensor Forward(CausalLMInput input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = NewDisposeScope();
        var cache = input.Cache!;
        var rows = (int)input.InputIds.shape[0];
        var past = cache.Length;
        var length = past + 1;
        _model.CheckSlidingWindow(length);

        var (cosTensor, sinTensor) = _model.RotaryAngles(input, past, ScalarType.Float32); // (B or 1, 1, 1, hd)
        cosTensor = cosTensor.contiguous();
        sinTensor = sinTensor.contiguous();
        var cos = TensorMemory.Float32(cosTensor);
        var sin = TensorMemory.Float32(sinTensor);
        var angleStride = cosTensor.shape[0] == 1 ? 0 : _headDim;

        var ids = input.InputIds.to_type(ScalarType.Int64);
        var idPtr = TensorMemory.Int64(ids);
        var idStride = ids.stride(0);
        var mask = Mask(input.AttentionMask, rows, length, out var maskStride);

        // Every layer's storage first: growing reallocates all layers, which must happen before any writes this step.
        var keyStores = new float*[_layers.Length];
        var valueStores = new float*[_layers.Length];
        var capacity = 0L;
        for (var l = 0; l < _layers.Length; l++)
        {
            var (keys, values) = cache.Reserve(l, rows, _kvHeads, _headDim, _headDim, ScalarType.Float32, CPU, 1);
            if (keys.shape[0] != rows)
            {
                throw new ArgumentException($"the cache holds {keys.shape[0]} rows, the input has {rows}", nameof(input));
            }

            keyStores[l] = TensorMemory.Float32(keys);
            valueStores[l] = TensorMemory.Float32(values);
            capacity = keys.shape[2];
        }

        EnsureScores(length);
        for (var r = 0; r < rows; r++)
        {
            var id = idPtr[r * idStride];
            if (id < 0 || id >= _vocab)
            {
                throw new ArgumentException($"token id {id} is outside the vocabulary (0 … {_vocab - 1})", nameof(input));
            }

            new ReadOnlySpan<float>(_embedding + (id * _hidden), _hidden).CopyTo(new Span<float>(_x + (r * _hidden), _hidden));
        }

        for (var l = 0; l < _layers.Length; l++)
        {
            Layer(_layers[l], rows, past, length, capacity, keyStores[l], valueStores[l], cos, sin, angleStride, mask, maskStride);
        }

        cache.Advance(1);
        for (var r = 0; r < rows; r++)
        {
            CpuKernels.RmsNorm(_x + (r * _hidden), _finalNorm, _xn + (r * _hidden), _hidden, _eps);
        }

        var logits = empty([rows, 1, _vocab], ScalarType.Float32, CPU);
        _products.Run(_head, _vocab, _hidden, _xn, _hidden, TensorMemory.Float32(logits), _vocab, rows);
        return logits.MoveToOuterDisposeScope();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Layer(in LayerWeights w, int rows, int past, int length, long capacity, float* keyStore, float* valueStore,
        float* cos, float* sin, long angleStride, long* mask, long maskStride)
    {
        int qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        for (var r = 0; r < rows; r++)
        {
            CpuKernels.RmsNorm(_x + (r * _hidden), w.InputNorm, _xn + (r * _hidden), _hidden, _eps);
        }

        _products.Run(w.Q, qWidth, _hidden, _xn, _hidden, _q, qWidth, rows, w.QBias);
        _products.Run(w.K, kvWidth, _hidden, _xn, _hidden, _k, kvWidth, rows, w.KBias);
        _products.Run(w.V, kvWidth, _hidden, _xn, _hidden, _v, kvWidth, rows, w.VBias);
        for (var r = 0; r < rows; r++)
        {
            var rowCos = cos + (r * angleStride);
            var rowSin = sin + (r * angleStride);
            for (var h = 0; h < _heads; h++)
            {
                CpuKernels.Rotate(_q + (r * qWidth) + (h * _headDim), rowCos, rowSin, _headDim);
            }

            for (var g = 0; g < _kvHeads; g++)
            {
                var key = _k + (r * kvWidth) + (g * _headDim);
                CpuKernels.Rotate(key, rowCos, rowSin, _headDim);
                // Cache layout (B, nKv, capacity, hd): this step's slot is position `past`.
                var slot = (((r * (long)_kvHeads) + g) * capacity + past) * _headDim;
                new ReadOnlySpan<float>(key, _headDim).CopyTo(new Span<float>(keyStore + slot, _headDim));
                new ReadOnlySpan<float>(_v + (r * kvWidth) + (g * _headDim), _headDim).CopyTo(new Span<float>(valueStore + slot, _headDim));
            }
        }

        _attention.Run(rows, length, capacity, keyStore, valueStore, mask, maskStride);

        _products.Run(w.O, _hidden, qWidth, _attn, qWidth, _proj, _hidden, rows, w.OBias);
        AddResidual(rows);
        for (var r = 0; r < rows; r++)
        {
            CpuKernels.RmsNorm(_x + (r * _hidden), w.PostNorm, _xn + (r * _hidden), _hidden, _eps);
        }

        _products.Run(w.Gate, _intermediate, _hidden, _xn, _hidden, _gate, _intermediate, rows, w.GateBias);
        _products.Run(w.Up, _intermediate, _hidden, _xn, _hidden, _up, _intermediate, rows, w.UpBias);
        for (var r = 0; r < rows; r++)
        {
            CpuKernels.SiluMul(_gate + (r * _intermediate), _up + (r * _intermediate), _act + (r * _intermediate), _intermediate);
        }

        _products.Run(w.Down, _hidden, _intermediate, _act, _intermediate, _proj, _hidden, rows, w.DownBias);
        AddResidual(rows);
    }

    // Every (row, query head) attends over its cache on its own: one chunk each, on whichever thread is free.
    private sealed class AttentionWork(LlamaDecodeKernel kernel) : IChunkedWork
    {
        private int _length;
        private long _capacity, _maskStride;
        private float* _keys, _values;
        private long* _mask;

        public void Run(int rows, int length, long capacity, float* keys, float* values, long* mask, long maskStride)
        {
            (_length, _capacity, _maskStride) = (length, capacity, maskStride);
            _keys = keys;
            _values = values;
            _mask = mask;
            kernel._team.Run(this, rows * kernel._heads);
        }

        void IChunkedWork.Run(int chunk, int worker)
        {
            var k = kernel;
            var (r, h) = Math.DivRem(chunk, k._heads);
            var qWidth = k._heads * k._headDim;
            var start = ((r * (long)k._kvHeads) + (h / (k._heads / k._kvHeads))) * _capacity * k._headDim;
            var visible = _mask is null ? null : _mask + (r * _maskStride);
            CpuKernels.Attend(k._width, k._q + (r * qWidth) + (h * k._headDim), _keys + start, _values + start, _length, k._headDim,
                k._scale, visible, k._scores + ((long)worker * k._scoresCapacity), k._attn + (r * qWidth) + (h * k._headDim));
        }
    }

    private void AddResidual(int rows)
    {
        var x = new Span<float>(_x, rows * _hidden);
        System.Numerics.Tensors.TensorPrimitives.Add(x, new ReadOnlySpan<float>(_proj, rows * _hidden), x);
    }

    // The (B, S) padding mask as int64 rows with unit column stride, or null (every key visible).
    private static long* Mask(Tensor? attentionMask, int rows, int length, out long stride)
    {
        stride = 0;
        if (attentionMask is null)
        {
            return null;
        }

        if (attentionMask.dim() != 2 || attentionMask.shape[0] != rows || attentionMask.shape[1] != length)
        {
            throw new ArgumentException(
                $"attention mask has shape ({string.Join(", ", attentionMask.shape)}), expected ({rows}, {length})", nameof(attentionMask));
        }

        var mask = attentionMask.to_type(ScalarType.Int64);
        if (mask.stride(1) != 1)
        {
            mask = mask.contiguous();
        }

        stride = mask.stride(0);
        return TensorMemory.Int64(mask);
    }

    private void EnsureScores(int length)
    {
        if (length <= _scoresCapacity)
        {
            return;
        }

        NativeMemory.AlignedFree(_scores);
        _scoresCapacity = (int)RoundUp(Math.Max(length, 2 * _scoresCapacity));
        _scores = (float*)NativeMemory.AlignedAlloc((nuint)((long)_scoresCapacity * _team.Threads * sizeof(float)), 64);
    }

    private static long RoundUp(long floats) => (floats + 15) / 16 * 16; // whole 64-byte lines

    private static float* Weight(TorchSharp.Modules.Linear linear) => TensorMemory.Float32(linear.weight!);

    private static float* Bias(TorchSharp.Modules.Linear linear) => linear.bias is null ? null : TensorMemory.Float32(linear.bias);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _team.Dispose();
        NativeMemory.AlignedFree(_scratch);
        NativeMemory.AlignedFree(_scores);
        _scores = null;
        _scoresCapacity = 0;
    }
}
