using System.Globalization;
using Hyperfit.Generation;
using Hyperfit.Tokenization;

namespace Hyperfit.Experiments;

/// <summary>
/// §4's contexts of a context set: the first <c>context_tokens</c> tokens of each document are the context (BOS in front
/// when the tokenizer adds one, <see cref="HfTokenizer.PrependBos"/>), the next <c>new_tokens</c> the original
/// continuation. The first <c>contexts</c> documents long enough for both are used, in file order; too few is an error,
/// raised when the spec is checked, before any step runs.
/// </summary>
public static class PreparedContexts
{
    /// <exception cref="InvalidDataException">The file has fewer long-enough documents than the set asks for.</exception>
    public static IReadOnlyList<GenerationLine> Select(HfTokenizer tokenizer, string? fingerprint, ContextSetSpec set, int newTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(set);
        var lines = new List<GenerationLine>();
        foreach (var record in ContextReader.Read(set.File, set.TextField))
        {
            if (lines.Count == set.Contexts)
            {
                break;
            }

            var ids = tokenizer.Encode(record.Text, addSpecialTokens: false);
            if (ids.Count < set.ContextTokens + newTokens)
            {
                continue;
            }

            var context = tokenizer.PrependBos(ids.Take(set.ContextTokens));
            var continuation = ids.Skip(set.ContextTokens).Take(newTokens).ToArray();
            lines.Add(new GenerationLine
            {
                Line = record.Line,
                Context = tokenizer.Decode(context, skipSpecialTokens: true),
                ContextIds = context,
                Continuation = tokenizer.Decode(continuation, skipSpecialTokens: true),
                ContinuationIds = continuation,
                Tokenizer = fingerprint,
            });
        }

        return lines.Count == set.Contexts ? lines : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"{set.File}: context set '{set.Label}' has {lines.Count} documents with at least {set.ContextTokens} + {newTokens} tokens, fewer than the {set.Contexts} contexts asked for"));
    }
}
