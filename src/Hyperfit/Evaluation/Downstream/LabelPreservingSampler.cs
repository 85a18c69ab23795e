using System.Globalization;
using Hyperfit.Training;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>Draws few-shot examples from a training split so that their labels follow the split's label
/// distribution (paper App. B.4.2: "randomly selected from the training data while maintaining the label distribution
/// of the original training set"). For k shots and label shares p_l, label l gets ⌊k·p_l⌋ shots plus one more with
/// probability equal to the fractional part of k·p_l (systematic sampling over the fractions, which add up to the
/// number of extra shots), so every draw is as close to the distribution as k allows and the expected count of every
/// label is exactly k·p_l. Within a label the examples are uniform without replacement; the order is shuffled. Every
/// draw is a pure function of (seed, question, k).</summary>
public sealed class LabelPreservingSampler
{
    private readonly int[][] _byLabel;
    private readonly int _total;

    /// <param name="labels">The training examples' labels (0 … <paramref name="labelCount"/> − 1).</param>
    public LabelPreservingSampler(IReadOnlyList<int> labels, int labelCount)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        var lists = Enumerable.Range(0, labelCount).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= labelCount)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"label {labels[i]} of example {i} is outside 0–{labelCount - 1}"), nameof(labels));
            }

            lists[labels[i]].Add(i);
        }

        _byLabel = [.. lists.Select(l => l.ToArray())];
        _total = labels.Count;
    }

    /// <summary>How many training examples carry each label.</summary>
    public IReadOnlyList<int> LabelCounts => [.. _byLabel.Select(l => l.Length)];

    /// <summary>Indices into the training split of <paramref name="k"/> shots for one question.</summary>
    /// <exception cref="ArgumentException">More shots than training examples.</exception>
    public int[] Sample(int k, long seed, int question)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k > _total)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{k} shots asked for but the training split has {_total} examples"), nameof(k));
        }

        if (k == 0)
        {
            return [];
        }

        var random = DeterministicRandom.Derive(seed, ((long)question << 8) | (uint)Math.Min(k, 255));
        // Label l's share of k shots is k·n_l / N = base_l + rem_l / N in integers; the remainders add up to extra·N.
        var counts = new int[_byLabel.Length];
        var remainders = new long[_byLabel.Length];
        long extra = k;
        for (var l = 0; l < counts.Length; l++)
        {
            var share = (long)k * _byLabel[l].Length;
            counts[l] = (int)(share / _total);
            remainders[l] = share % _total;
            extra -= counts[l];
        }

        if (extra > 0)
        {
            // Systematic sampling: points u, u + N, …, u + (extra − 1)·N over the remainders laid end to end. Each
            // remainder is shorter than N, so it holds at most one point, with probability rem_l / N.
            var u = (long)random.NextInt(_total);
            var next = u;
            long start = 0;
            for (var l = 0; l < counts.Length && next < extra * _total; l++)
            {
                var end = start + remainders[l];
                if (next >= start && next < end)
                {
                    counts[l]++;
                    next += _total;
                }

                start = end;
            }
        }

        var shots = new List<int>(k);
        for (var l = 0; l < counts.Length; l++)
        {
            // Uniform without replacement by rejection: k is a handful, the pools are large.
            var pool = _byLabel[l];
            var chosen = new HashSet<int>();
            while (chosen.Count < counts[l])
            {
                chosen.Add(pool[random.NextInt(pool.Length)]);
            }

            shots.AddRange(chosen.Order());
        }

        var order = random.Permutation(shots.Count);
        return [.. order.Select(i => shots[i])];
    }
}
