using System.Globalization;
using Hyperfit.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Generation;

/// <summary>Batched autoregressive generation. Contexts of different lengths are left-padded (the mask gives
/// every row its own positions); with the KV cache the contexts are run once and then one token per step,
/// without it the whole prefix is recomputed every step (the benchmark's baseline and the tests' oracle).
/// Each step runs in its own dispose scope under inference mode, so memory stays flat over many steps.</summary>
public sealed class TextGenerator
{
    private readonly CausalLM _model;
    private readonly GenerationConfig _config;
    private readonly int _padTokenId;
    private readonly HashSet<int> _eos;
    private readonly CitationBlocker? _blocker;
    private readonly int? _decodeThreads;

    /// <param name="model">The model, in eval mode.</param>
    /// <param name="config">Validated here.</param>
    /// <param name="padTokenId">Emitted by rows that finished at EOS (never part of a result).</param>
    /// <param name="eosTokenIds">Ids that end a row when <see cref="GenerationConfig.StopAtEos"/> is set.</param>
    /// <param name="blocker">Optional citation blocker; its n must equal <see cref="GenerationConfig.CitationNgram"/>.</param>
    public TextGenerator(CausalLM model, GenerationConfig config, int padTokenId = 0, IEnumerable<int>? eosTokenIds = null, CitationBlocker? blocker = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (blocker is not null && blocker.N != config.CitationNgram)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"citation n-gram is {config.CitationNgram} but the citation index was built with n = {blocker.N}"), nameof(blocker));
        }

        _model = model;
        _config = config;
        _padTokenId = padTokenId;
        _eos = [.. eosTokenIds ?? []];
        _blocker = blocker;
    }

    /// <summary>True (default): prefill once, then feed one token per step through the KV cache.
    /// False: recompute the whole prefix every step.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>True (default): on the CPU the model runs in its inference layout for the duration of
    /// <see cref="Generate"/> (<see cref="CausalLM.UseInferenceLayout"/>), cached or not; false leaves the weights alone.</summary>
    public bool InferenceLayout { get; init; } = true;

    /// <summary>Rows up to which the automatic <see cref="DecodeThreads"/> decodes on one thread.</summary>
    public const int SingleThreadDecodeMaxRows = 4;

    /// <summary>Intra-op (OpenMP) threads for the one-token steps of the cached path on the CPU; the count in force
    /// before is restored when <see cref="Generate"/> returns. Null (default): one thread for batches of at most
    /// <see cref="SingleThreadDecodeMaxRows"/> rows, whose steps are chains of small matrix–vector products where
    /// OpenMP's fork and join cost more than a second core gains (measured in docs/generation.md), and for every batch
    /// the decode kernel runs (its products run on its own thread team, not OpenMP's); the caller's count otherwise.
    /// The prefill and the uncached path always run with the caller's count.</summary>
    public int? DecodeThreads
    {
        get => _decodeThreads;
        init => _decodeThreads = value is null or >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "decode threads must be at least 1");
    }

    /// <summary>Generates a continuation for every context (each at least one token long).</summary>
    /// <param name="contexts">Token ids per row; rows may differ in length.</param>
    /// <param name="onToken">Called with (row, token) for every new token of an unfinished row, in order.</param>
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<IReadOnlyList<int>> contexts, Action<int, int>? onToken = null)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        if (contexts.Count == 0)
        {
            return [];
        }

        for (var r = 0; r < contexts.Count; r++)
        {
            if (contexts[r] is null || contexts[r].Count == 0)
            {
                throw new ArgumentException($"context {r} is empty", nameof(contexts));
            }
        }

        var rows = contexts.Count;
        var contextLength = contexts.Max(c => c.Count);
        var newTokens = _config.MaxNewTokens;
        var total = contextLength + newTokens;
        var maxPositions = _model.Config.MaxPositions;
        // The last new token is never fed back, so it needs no position (how transformers' generate() fills an
        // ImageGPT image of n_positions pixels after its start token).
        if (total - 1 > maxPositions)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"context ({contextLength} tokens) + new tokens ({newTokens}) = {total} exceeds the model's max positions ({maxPositions}) by more than the last token, which is never fed back"), nameof(contexts));
        }

        var device = _model.parameters().FirstOrDefault()?.device ?? CPU; // a parameterless (test) model runs on the CPU
        // Relaid out before inference mode, so that the weights stay ordinary tensors; restored on return.
        using var layout = InferenceLayout && device.type == DeviceType.CPU ? _model.UseInferenceLayout(decodeKernel: UseCache) : null;
        using var inference = inference_mode();

        // (B, C + N) ids and mask, preallocated: row r's context sits right-aligned in [0, C), new tokens go to
        // [C, C + N). Left pads repeat the row's first token rather than the pad id: the mask hides them from
        // attention, and the repetition penalty then sees only tokens that really are in the text.
        var idsHost = new long[rows * total];
        var maskHost = new long[rows * total];
        var histories = new List<int>[rows];
        for (var r = 0; r < rows; r++)
        {
            var context = contexts[r];
            var pad = contextLength - context.Count;
            for (var t = 0; t < total; t++)
            {
                idsHost[(r * total) + t] = t < pad ? context[0] : t < contextLength ? context[t - pad] : _padTokenId;
                maskHost[(r * total) + t] = t < pad ? 0 : 1;
            }

            histories[r] = [.. context];
        }

        using var ids = tensor(idsHost, [rows, total], device: device);
        // Without padding the mask is all ones: pass none, so the model takes its plain causal (fast SDPA) path.
        var padded = contexts.Any(c => c.Count < contextLength);
        using var mask = padded ? tensor(maskHost, [rows, total], device: device) : null;
        using var cache = UseCache ? _model.CreateKvCache(total) : null;
        using var sampler = _config.Strategy == DecodingStrategy.Sample ? new torch.Generator(unchecked((ulong)_config.Seed), device) : null;

        var generated = Enumerable.Range(0, rows).Select(_ => new List<int>(newTokens)).ToArray();
        var finished = new bool[rows];
        var inCitation = new int[rows];
        var fired = new int[rows];
        var fallbacks = new int[rows];

        // Thread count for the one-token cached steps (CPU only), restored however Generate ends.
        var decodeThreads = cache is not null && device.type == DeviceType.CPU ? ResolveDecodeThreads(rows) : null;
        var callerThreads = get_num_threads();
        try
        {
            for (var step = 0; step < newTokens; step++)
            {
                if (step == 1 && decodeThreads is { } n)
                {
                    set_num_threads(n); // the prefill ran with the caller's count; one-token steps from here on
                }

                using var scope = NewDisposeScope();
                var known = contextLength + step;
                // Only the last position's logits are computed (HF generate's logits_to_keep = 1), cached or not.
                Tensor logits;                                                          // (B, 1, V)
                if (cache is null)
                {
                    logits = _model.forward(new CausalLMInput(ids.narrow(1, 0, known), mask?.narrow(1, 0, known), LogitsToKeep: 1));
                }
                else if (step == 0)
                {
                    logits = _model.forward(new CausalLMInput(ids.narrow(1, 0, known), mask?.narrow(1, 0, known), Cache: cache, LogitsToKeep: 1));
                }
                else
                {
                    logits = _model.forward(new CausalLMInput(ids.narrow(1, known - 1, 1), mask?.narrow(1, 0, known), Cache: cache, LogitsToKeep: 1));
                }

                var next = logits.select(1, -1).to(ScalarType.Float32);                 // (B, V)
                if (step == 0 && !isfinite(next).all().item<bool>()) // sync point, once per Generate
                {
                    // A model with NaN/inf weights would otherwise "generate" arg-max id 0 forever and exit 0.
                    throw new InvalidDataException("the model's first-step logits are not finite (NaN or infinite): its weights are broken (e.g. a diverged or corrupted checkpoint)");
                }

                var bans = new List<(int Row, int Token)>();
                for (var r = 0; r < rows; r++)
                {
                    if (finished[r])
                    {
                        continue;
                    }

                    if (_blocker is not null)
                    {
                        var decision = _blocker.Decide(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(generated[r]));
                        inCitation[r] += decision.InCitation ? 1 : 0;
                        fired[r] += decision.Fired ? 1 : 0;
                        fallbacks[r] += decision.Fallback ? 1 : 0;
                        bans.AddRange(decision.Blocked.Select(token => (r, token)));
                    }

                    if (_config.NoRepeatNgramSize > 0)
                    {
                        bans.AddRange(LogitsProcessors.NoRepeatNgramBannedTokens(histories[r], _config.NoRepeatNgramSize).Select(token => (r, token)));
                    }
                }

                next = LogitsProcessors.Ban(next, bans);
                next = LogitsProcessors.RepetitionPenalty(next, ids.narrow(1, 0, known), _config.RepetitionPenalty);
                Tensor chosen;                                                          // (B)
                if (_config.Strategy == DecodingStrategy.Greedy)
                {
                    chosen = next.argmax(-1);
                }
                else
                {
                    next = LogitsProcessors.Temperature(next, _config.Temperature);
                    next = LogitsProcessors.TopK(next, _config.TopK);
                    next = LogitsProcessors.TopP(next, _config.TopP);
                    chosen = next.softmax(-1).multinomial(1, generator: sampler).squeeze(-1);
                }

                var tokens = chosen.cpu().data<long>().ToArray();                      // sync point
                for (var r = 0; r < rows; r++)
                {
                    if (finished[r])
                    {
                        tokens[r] = _padTokenId;
                        continue;
                    }

                    var token = (int)tokens[r];
                    generated[r].Add(token);
                    histories[r].Add(token);
                    onToken?.Invoke(r, token);
                    if (_config.StopAtEos && _eos.Contains(token))
                    {
                        finished[r] = true;
                    }
                }

                ids.narrow(1, known, 1).copy_(tensor(tokens, [rows, 1], device: device));
                if (Array.TrueForAll(finished, f => f))
                {
                    break;
                }
            }
        }
        finally
        {
            if (decodeThreads is not null)
            {
                set_num_threads(callerThreads);
            }
        }

        return Enumerable.Range(0, rows)
            .Select(r => new GenerationResult([.. generated[r]], new CitationStats(inCitation[r], fired[r], fallbacks[r]), finished[r]))
            .ToArray();
    }

    private int? ResolveDecodeThreads(int rows)
    {
        // The decode kernel runs its products and attention on its own team (as many threads as libtorch had when the
        // kernel was built, CpuTeam); only small libtorch ops (argmax, the logits processors) remain, for which an
        // OpenMP fork and join costs more than it gains.
        var kernel = InferenceLayout && _model.DecodeKernel && _model.DecodeKernelAvailable && rows <= Models.Llama.LlamaDecodeKernel.MaxRows;
        return _decodeThreads ?? (rows <= SingleThreadDecodeMaxRows || kernel ? 1 : null);
    }
}
