namespace Hyperfit.Evaluation;

/// <summary>
/// Dataset BLEU as in Table 2: for every generated text (hypothesis), its highest BLEU against any window of the
/// hyperfitting dataset (96 tokens, stride 1, each window the single reference); then mean and max of those highs.
/// </summary>
/// <remarks>
/// Exact search, level by level as in <see cref="SelfBleu"/>: the windows containing an occurrence of one of the
/// hypothesis' 4-grams are scored first (with counts slid along runs of consecutive windows), then those containing a
/// 3-gram, a bigram, a unigram. After level k, any window not yet scored shares no k-gram with the hypothesis, so its
/// BLEU is at most <see cref="Bleu.BoundWithoutOrder"/>(k); the search stops as soon as the best score reaches that bound.
/// Windows sharing no unigram score exactly 0. Scores are computed with the same operations as
/// <see cref="Bleu.FromCounts"/>, so they equal <see cref="BruteForce"/>'s to the last bit up to summation of the four
/// log terms, which is done in the same order.
/// </remarks>
public static class DatasetBleu
{
    /// <summary>Builds the window index and searches it.</summary>
    public static BleuHighestResult Compute(IReadOnlyList<int[]> texts, IReadOnlyList<int[]> dataset, int windowLength = 96,
        BleuSmoothing smoothing = BleuSmoothing.None)
    {
        NGram.RequireNonEmpty(texts, nameof(texts));
        return Compute(new DatasetWindowIndex(dataset, windowLength), texts, smoothing);
    }

    /// <exception cref="ArgumentException">No texts, or an empty text.</exception>
    public static BleuHighestResult Compute(DatasetWindowIndex index, IReadOnlyList<int[]> texts,
        BleuSmoothing smoothing = BleuSmoothing.None)
    {
        ArgumentNullException.ThrowIfNull(index);
        NGram.RequireNonEmpty(texts, nameof(texts));
        var highest = new double[texts.Count];
        Parallel.For(0, texts.Count,
            () => new Searcher(index, smoothing),
            (t, _, searcher) =>
            {
                highest[t] = searcher.Highest(texts[t], t);
                return searcher;
            },
            _ => { });
        return new BleuHighestResult(highest, MetricSummary.From(highest));
    }

    /// <summary>The test oracle: every window scored with <see cref="Bleu.Sentence(int[], ReadOnlySpan{int}, BleuSmoothing)"/>.</summary>
    /// <param name="textIndices">Only these texts (all when null); used to time a subset.</param>
    public static double[] BruteForce(IReadOnlyList<int[]> texts, IReadOnlyList<int[]> dataset, int windowLength = 96,
        BleuSmoothing smoothing = BleuSmoothing.None, IReadOnlyList<int>? textIndices = null)
    {
        NGram.RequireNonEmpty(texts, nameof(texts));
        var index = new DatasetWindowIndex(dataset, windowLength);
        var windows = Enumerable.Range(0, index.WindowCount).Select(index.WindowTokens).ToArray();
        var indices = textIndices ?? Enumerable.Range(0, texts.Count).ToArray();
        var highest = new double[indices.Count];
        for (var h = 0; h < indices.Count; h++)
        {
            var best = 0.0;
            foreach (var window in windows)
            {
                best = Math.Max(best, Bleu.Sentence(window, texts[indices[h]], smoothing));
            }

            highest[h] = best;
        }

        return highest;
    }

    /// <summary>Per-thread scratch state for one hypothesis at a time.</summary>
    private sealed class Searcher
    {
        private const int Orders = Bleu.MaxOrder;
        private readonly DatasetWindowIndex _index;
        private readonly BleuSmoothing _smoothing;
        private readonly int[][] _localOf; // [order-1][dataset id] → hypothesis-local index or −1
        private readonly List<int>[] _hypIds = new List<int>[Orders];
        private readonly List<int>[] _hypCount = new List<int>[Orders];
        private readonly int[][] _winCount = new int[Orders][];
        private readonly int[] _matches = new int[Orders];
        private readonly int[] _scored; // window → stamp of the last hypothesis that scored it
        private readonly List<(int First, int Last)> _ranges = [];
        private double[][] _logTerm = new double[Orders][];
        private double _bestFullLog;

        public Searcher(DatasetWindowIndex index, BleuSmoothing smoothing)
        {
            _index = index;
            _smoothing = smoothing;
            _localOf = new int[Orders][];
            for (var n = 0; n < Orders; n++)
            {
                _localOf[n] = new int[index.Ids[n].Count];
                Array.Fill(_localOf[n], -1);
                _hypIds[n] = [];
                _hypCount[n] = [];
                _winCount[n] = [];
            }

            _scored = new int[index.WindowCount];
            Array.Fill(_scored, -1);
        }

        public double Highest(int[] hypothesis, int stamp)
        {
            var h = hypothesis.Length;
            Prepare(hypothesis);
            var fullPenalty = Bleu.BrevityPenalty(_index.WindowLength, h);
            var maxPenalty = Bleu.BrevityPenalty(_index.MinWindowLength, h);
            var best = 0.0;
            _bestFullLog = double.NegativeInfinity;
            try
            {
                for (var order = Orders; order >= 1; order--)
                {
                    var complete = CollectRanges(order);
                    foreach (var (first, last) in _ranges)
                    {
                        best = ScoreRange(first, last, h, fullPenalty, stamp, best);
                    }

                    if (complete || best >= Bleu.BoundWithoutOrder(order, h, maxPenalty, _smoothing))
                    {
                        break;
                    }
                }
            }
            finally
            {
                for (var n = 0; n < Orders; n++)
                {
                    foreach (var id in _hypIds[n])
                    {
                        _localOf[n][id] = -1;
                    }
                }
            }

            return best;
        }

        private void Prepare(int[] hypothesis)
        {
            var h = hypothesis.Length;
            for (var n = 1; n <= Orders; n++)
            {
                var ids = _hypIds[n - 1];
                var counts = _hypCount[n - 1];
                ids.Clear();
                counts.Clear();
                foreach (var (key, count) in NGram.Counts(hypothesis, n))
                {
                    if (_index.Ids[n - 1].TryGetValue(key, out var id))
                    {
                        _localOf[n - 1][id] = ids.Count;
                        ids.Add(id);
                        counts.Add(count);
                    }
                }

                if (_winCount[n - 1].Length < ids.Count)
                {
                    _winCount[n - 1] = new int[Math.Max(ids.Count, 2 * _winCount[n - 1].Length)];
                }
            }

            // ¼·ln p_n per possible match count, computed exactly as Bleu.FromCounts does (same operations, same order).
            _logTerm = new double[Orders][];
            for (var n = 1; n <= Orders; n++)
            {
                var max = NGram.CountIn(h, n);
                var terms = new double[max + 1];
                for (var k = 0; k <= max; k++)
                {
                    terms[k] = LogTerm(k, h, n);
                }

                _logTerm[n - 1] = terms;
            }
        }

        private double LogTerm(int m, int h, int n)
        {
            var d = Bleu.Denominator(h, n);
            var p = m != 0 ? (double)m / d : _smoothing == BleuSmoothing.None ? Bleu.FloatInfoMin : 0.1 / d;
            return 0.25 * Math.Log(p);
        }

        /// <summary>Merged ranges of windows containing a hypothesis n-gram of this order; true when they are all windows.</summary>
        private bool CollectRanges(int order)
        {
            _ranges.Clear();
            var ids = _hypIds[order - 1];
            var postingStart = _index.PostingStart[order - 1];
            var positions = _index.PostingPositions[order - 1];
            long occurrences = 0;
            foreach (var id in ids)
            {
                occurrences += postingStart[id + 1] - postingStart[id];
            }

            if (occurrences == 0)
            {
                return false;
            }

            if (occurrences * 8 > _index.WindowCount)
            {
                // Dense: score every window in one pass; nothing can remain unscored afterwards.
                _ranges.Add((0, _index.WindowCount - 1));
                return true;
            }

            var raw = new List<(int First, int Last)>((int)occurrences);
            foreach (var id in ids)
            {
                for (var k = postingStart[id]; k < postingStart[id + 1]; k++)
                {
                    raw.Add(_index.WindowsCovering(positions[k], order));
                }
            }

            raw.Sort();
            var (first, last) = raw[0];
            for (var k = 1; k < raw.Count; k++)
            {
                if (raw[k].First <= last + 1)
                {
                    last = Math.Max(last, raw[k].Last);
                }
                else
                {
                    _ranges.Add((first, last));
                    (first, last) = raw[k];
                }
            }

            _ranges.Add((first, last));
            return false;
        }

        private double ScoreRange(int first, int last, int h, double fullPenalty, int stamp, double best)
        {
            for (var w = first; w <= last; w++)
            {
                var (start, length) = _index.Window(w);
                if (w == first || _index.SequenceOfWindow[w] != _index.SequenceOfWindow[w - 1])
                {
                    Reset(start, length);
                }
                else
                {
                    Slide(start - 1, length);
                }

                if (_scored[w] == stamp)
                {
                    continue;
                }

                _scored[w] = stamp;
                if (_matches[0] == 0)
                {
                    continue; // BLEU is exactly 0
                }

                var logSum = 0.0;
                logSum += _logTerm[0][_matches[0]];
                logSum += _logTerm[1][_matches[1]];
                logSum += _logTerm[2][_matches[2]];
                logSum += _logTerm[3][_matches[3]];
                if (length == _index.WindowLength)
                {
                    // Same penalty for every full window: exp is monotone, so only a larger log-sum can score higher.
                    if (logSum <= _bestFullLog)
                    {
                        continue;
                    }

                    _bestFullLog = logSum;
                    best = Math.Max(best, fullPenalty * Math.Exp(logSum));
                }
                else
                {
                    best = Math.Max(best, Bleu.BrevityPenalty(length, h) * Math.Exp(logSum));
                }
            }

            return best;
        }

        private void Reset(int start, int length)
        {
            for (var n = 1; n <= Orders; n++)
            {
                Array.Clear(_winCount[n - 1], 0, _hypIds[n - 1].Count);
                _matches[n - 1] = 0;
                for (var p = start; p + n <= start + length; p++)
                {
                    Add(n, p);
                }
            }
        }

        /// <summary>Moves a full window starting at <paramref name="oldStart"/> one token to the right.</summary>
        private void Slide(int oldStart, int length)
        {
            for (var n = 1; n <= Orders; n++)
            {
                if (length < n)
                {
                    continue;
                }

                Remove(n, oldStart);
                Add(n, oldStart + length - n + 1);
            }
        }

        private void Add(int n, int position)
        {
            var id = _index.IdAt[n - 1][position];
            if (id < 0)
            {
                return;
            }

            var local = _localOf[n - 1][id];
            if (local < 0)
            {
                return;
            }

            var counts = _winCount[n - 1];
            if (counts[local] < _hypCount[n - 1][local])
            {
                _matches[n - 1]++;
            }

            counts[local]++;
        }

        private void Remove(int n, int position)
        {
            var id = _index.IdAt[n - 1][position];
            if (id < 0)
            {
                return;
            }

            var local = _localOf[n - 1][id];
            if (local < 0)
            {
                return;
            }

            var counts = _winCount[n - 1];
            counts[local]--;
            if (counts[local] < _hypCount[n - 1][local])
            {
                _matches[n - 1]--;
            }
        }
    }
}
