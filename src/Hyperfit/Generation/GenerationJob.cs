using System.Diagnostics;
using System.Globalization;
using Hyperfit.Checkpoints;
using Hyperfit.Data;
using Hyperfit.IO;
using Hyperfit.Tokenization;

namespace Hyperfit.Generation;

/// <summary>
/// The generation job (<c>hyperfit generate</c> and a run's generate steps): reads and checks the contexts and the
/// citation dataset before the weights are loaded, generates in batches and returns (and, with an output file, writes)
/// one <see cref="GenerationLine"/> per context. See docs/generation.md.
/// </summary>
public static class GenerationJob
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="log">One-line notes (the citation index's size, removed debris).</param>
    /// <exception cref="FieldException">An inconsistent request.</exception>
    /// <exception cref="InvalidDataException">A bad context or dataset line (naming file and line).</exception>
    /// <exception cref="OperationCanceledException">Cancelled (between batches); nothing written.</exception>
    public static GenerationOutcome Run(GenerationRequest request, IProgress<GenerationProgress>? progress = null, Action<string>? log = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        log ??= _ => { };
        request.Validate();
        using var writer = request.OutputFile is { } output ? OutputLock.AcquireFile(output, "hyperfit generate") : null;
        if (writer?.RemoveDebris() is { Count: > 0 } debris)
        {
            log($"removed {debris.Count} temporary file(s) of an interrupted earlier write of {request.OutputFile}");
        }

        // Everything that can be wrong with the inputs fails here, before weights are loaded (style rule 8).
        var modelConfig = HfModelLoader.ReadConfig(request.ModelDir);
        var tokenizer = HfTokenizer.Load(request.ModelDir);
        tokenizer.ValidateAgainstModel(modelConfig.VocabSize, request.ModelDir);
        var contexts = ReadContexts(request.Contexts, tokenizer);
        var config = request.Config;
        var longest = contexts.Max(c => c.Ids.Length);
        if (longest + config.MaxNewTokens > modelConfig.MaxPositions)
        {
            throw new FieldException(Fields.MaxNewTokens, string.Create(Inv,
                $"max_new_tokens {config.MaxNewTokens}: context ({longest} tokens) + new tokens = {longest + config.MaxNewTokens} tokens exceeds the model's max positions ({modelConfig.MaxPositions})"));
        }

        CitationBlocker? blocker = null;
        CitationIndexSize? size = null;
        if (request.CitationDataset is { } dataset)
        {
            var sequences = CitationSequences(dataset, tokenizer);
            var index = new CitationIndex(sequences, config.CitationNgram);
            blocker = new CitationBlocker(index, tokenizer.StartsWord, modelConfig.VocabSize);
            size = new CitationIndexSize(index.SequenceCount, index.TokenCount, index.NgramCount, index.N);
            log(string.Create(Inv, $"citation index: {size.Sequences} sequences, {size.Tokens} tokens, {size.Ngrams} distinct {size.N}-grams"));
        }

        var fingerprint = TokenizerFingerprint.Compute(request.ModelDir);
        using var model = HfModelLoader.Load(request.ModelDir, request.ModelOptions);
        model.eval();
        var generator = new TextGenerator(model, config, tokenizer.PadTokenId ?? tokenizer.EosTokenId ?? 0, tokenizer.EosTokenIds, blocker);
        var results = new GenerationResult[contexts.Count];
        var clock = Stopwatch.StartNew();
        long produced = 0;
        for (var start = 0; start < contexts.Count; start += request.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = contexts.Skip(start).Take(request.BatchSize).Select(c => (IReadOnlyList<int>)c.Ids).ToArray();
            var batchResults = generator.Generate(batch, (_, _) =>
            {
                produced++;
                if (produced % 64 == 0)
                {
                    progress?.Report(new GenerationProgress(contexts.Count, start, produced, clock.Elapsed, BatchFinished: false));
                }
            });
            batchResults.ToArray().CopyTo(results, start);
            progress?.Report(new GenerationProgress(contexts.Count, start + batch.Length, produced, clock.Elapsed, BatchFinished: true));
        }

        var lines = contexts.Select((c, i) => new GenerationLine
        {
            Line = c.Line,
            Context = tokenizer.Decode(c.Ids, skipSpecialTokens: true),
            ContextIds = c.Ids,
            Continuation = tokenizer.Decode(results[i].TokenIds, skipSpecialTokens: true),
            ContinuationIds = results[i].TokenIds,
            StoppedAtEos = results[i].StoppedAtEos,
            CitationSteps = results[i].Citations.StepsInCitation,
            CitationBlocked = results[i].Citations.Fired,
            CitationFallbacks = results[i].Citations.Fallbacks,
            Tokenizer = fingerprint,
        }).ToList();
        if (request.OutputFile is { } path)
        {
            GenerationsFile.Write(path, lines);
        }

        return new GenerationOutcome(lines, produced, clock.Elapsed, size);
    }

    /// <summary>What the citation blocker indexes: the hyperfitting dataset's documents as <see cref="DatasetReader"/>
    /// tokenizes them for every job (the same documents and ids training reads), empty ones left out.</summary>
    /// <exception cref="InvalidDataException">No document has a token.</exception>
    public static IReadOnlyList<int[]> CitationSequences(HyperfitDataset dataset, HfTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var sequences = DatasetReader.Tokenize(dataset.File, dataset.TextField, tokenizer).Where(ids => ids.Length > 0).ToList();
        return sequences.Count > 0 ? sequences : throw new InvalidDataException($"{dataset.File}: the citation dataset is empty");
    }

    private sealed record Context(int Line, int[] Ids);

    /// <summary>Text contexts: tokenized without special tokens, cut to their first context_tokens tokens, BOS in front
    /// when the tokenizer adds one (<see cref="HfTokenizer.PrependBos"/>; BOS is not counted). Prepared contexts: their
    /// ids as they are, numbered by their line in the prepared file.</summary>
    private static List<Context> ReadContexts(ContextSource source, HfTokenizer tokenizer)
    {
        if (source.IsPrepared)
        {
            return [.. GenerationsFile.Read(source.File).Select(g => new Context(g.FileLine, g.ContextIds))];
        }

        var records = ContextReader.Read(source.File, source.TextField!);
        if (records.Count == 0)
        {
            throw new InvalidDataException($"{source.File}: no contexts (the file has no non-empty line)");
        }

        var wanted = source.ContextTokens!.Value;
        var contexts = new List<Context>(records.Count);
        foreach (var record in records)
        {
            var ids = tokenizer.Encode(record.Text, addSpecialTokens: false);
            if (ids.Count < wanted)
            {
                throw new FieldException(Fields.ContextTokens, string.Create(Inv,
                    $"context_tokens {wanted}: {source.File}:{record.Line}: context has {ids.Count} tokens, fewer than that"));
            }

            contexts.Add(new Context(record.Line, tokenizer.PrependBos(ids.Take(wanted))));
        }

        return contexts;
    }
}
