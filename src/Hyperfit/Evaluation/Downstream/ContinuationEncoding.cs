using Hyperfit.Tokenization;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>lm-evaluation-harness's rule for the tokens of a (context, continuation) pair (<c>TemplateLM._encode_pair</c>):
/// trailing whitespace of the context moves to the front of the continuation; the whole text and the context are
/// encoded with the tokenizer's default special tokens (BOS where the tokenizer adds one), and the continuation is
/// whatever the whole encoding holds past the context encoding's length. Scored is context + continuation tokens.</summary>
public static class ContinuationEncoding
{
    /// <exception cref="ArgumentException">An empty context, or a continuation that leaves no tokens.</exception>
    public static (int[] Context, int[] Continuation) Encode(HfTokenizer tokenizer, string context, string continuation)
    {
        var (contextIds, continuations) = Encode(tokenizer, context, [continuation]);
        return (contextIds, continuations[0]);
    }

    /// <summary>The same rule for several continuations of one context (the context is encoded once).</summary>
    public static (int[] Context, int[][] Continuations) Encode(HfTokenizer tokenizer, string context, IReadOnlyList<string> continuations)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuations);
        var end = context.Length;
        while (end > 0 && PromptFormat.IsPythonSpace(context[end - 1]))
        {
            end--;
        }

        var trimmed = context[..end];
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("the context is empty (or only white space)", nameof(context));
        }

        var contextIds = tokenizer.Encode(trimmed).ToArray();
        var result = new int[continuations.Count][];
        for (var c = 0; c < continuations.Count; c++)
        {
            var whole = tokenizer.Encode(trimmed + context[end..] + continuations[c]);
            result[c] = whole.Skip(contextIds.Length).ToArray();
            if (result[c].Length == 0)
            {
                throw new ArgumentException($"the continuation '{continuations[c]}' encodes to no tokens after the context", nameof(continuations));
            }
        }

        return (contextIds, result);
    }

    /// <summary>The official MMLU code's answer ids: <c>tokenizer(letter).input_ids[-1]</c> — the last id of the letter
    /// encoded alone with default special tokens (no leading space).</summary>
    public static int LastIdOf(HfTokenizer tokenizer, string text)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var ids = tokenizer.Encode(text);
        return ids.Count > 0 ? ids[^1] : throw new ArgumentException($"'{text}' encodes to no tokens", nameof(text));
    }
}
