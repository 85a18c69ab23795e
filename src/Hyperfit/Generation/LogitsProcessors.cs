using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Generation;

/// <summary>Pure functions on (B, V) next-token logits, with Hugging Face's semantics. Each returns a new tensor
/// (removed tokens set to −∞) and leaves its input alone. Order used by <see cref="TextGenerator"/>: citation
/// blocker, repetition penalty, no-repeat-n-gram, then (sampling only) temperature, top-k, top-p.</summary>
public static class LogitsProcessors
{
    /// <summary>logits / temperature.</summary>
    public static Tensor Temperature(Tensor logits, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        return logits / temperature;
    }

    /// <summary>Keeps the <paramref name="k"/> largest logits of each row (ties at the k-th value are kept, as in
    /// Hugging Face's TopKLogitsWarper); k = 0 or k ≥ V keeps everything.</summary>
    public static Tensor TopK(Tensor logits, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var vocab = logits.shape[^1];
        if (k == 0 || k >= vocab)
        {
            return logits.alias();
        }

        using var scope = NewDisposeScope();
        var kth = logits.topk(k, dim: -1).values.narrow(-1, k - 1, 1); // (B, 1)
        return logits.masked_fill(logits < kth, double.NegativeInfinity).MoveToOuterDisposeScope();
    }

    /// <summary>Nucleus filtering: keeps the smallest set of most probable tokens whose cumulative probability
    /// is ≥ <paramref name="p"/>, always at least one token. p = 1 keeps everything.</summary>
    public static Tensor TopP(Tensor logits, double p)
    {
        if (!(p > 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "top-p must be in (0, 1]");
        }

        if (p >= 1)
        {
            return logits.alias();
        }

        using var scope = NewDisposeScope();
        var (sorted, order) = logits.sort(dim: -1, descending: true);          // (B, V) most probable first
        var cumulative = sorted.softmax(-1).cumsum(-1);                         // (B, V)
        // A token is dropped when the mass before it already reaches p; the first token never is.
        var before = cumulative - sorted.softmax(-1);
        var dropSorted = before >= p;
        var drop = zeros_like(dropSorted).scatter(-1, order, dropSorted);      // back to vocabulary order
        return logits.masked_fill(drop, double.NegativeInfinity).MoveToOuterDisposeScope();
    }

    /// <summary>Hugging Face's RepetitionPenaltyLogitsProcessor: for every token id in <paramref name="history"/>
    /// (B, T) int64, its logit is divided by <paramref name="penalty"/> when positive and multiplied when negative.</summary>
    public static Tensor RepetitionPenalty(Tensor logits, Tensor history, double penalty)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(penalty);
        if (penalty == 1.0 || history.shape[^1] == 0)
        {
            return logits.alias();
        }

        using var scope = NewDisposeScope();
        var score = logits.gather(-1, history);                                 // (B, T)
        var penalised = where(score < 0, score * penalty, score / penalty);
        return logits.scatter(-1, history, penalised).MoveToOuterDisposeScope();
    }

    /// <summary>Hugging Face's NoRepeatNGramLogitsProcessor for one row: the tokens that would complete an n-gram
    /// already present in <paramref name="history"/> (context + generated). Empty when the history is shorter than n.</summary>
    public static IReadOnlyList<int> NoRepeatNgramBannedTokens(IReadOnlyList<int> history, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var banned = new List<int>();
        if (n == 0 || history.Count + 1 < n)
        {
            return banned;
        }

        // The last n − 1 tokens form the prefix; every earlier occurrence of it bans the token that followed.
        var prefixStart = history.Count - (n - 1);
        for (var start = 0; start + n <= history.Count; start++)
        {
            var same = true;
            for (var j = 0; j < n - 1 && same; j++)
            {
                same = history[start + j] == history[prefixStart + j];
            }

            if (same)
            {
                banned.Add(history[start + n - 1]);
            }
        }

        return banned;
    }

    /// <summary>Sets logits[row, token] = −∞ for every (row, token) pair; returns a new tensor.</summary>
    public static Tensor Ban(Tensor logits, IReadOnlyList<(int Row, int Token)> pairs)
    {
        if (pairs.Count == 0)
        {
            return logits.alias();
        }

        using var scope = NewDisposeScope();
        var rows = tensor(pairs.Select(p => (long)p.Row).ToArray(), device: logits.device);
        var cols = tensor(pairs.Select(p => (long)p.Token).ToArray(), device: logits.device);
        var result = logits.clone();
        result.index_put_(tensor(double.NegativeInfinity, logits.dtype, logits.device), rows, cols);
        return result.MoveToOuterDisposeScope();
    }
}
