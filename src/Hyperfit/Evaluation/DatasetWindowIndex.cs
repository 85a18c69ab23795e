namespace Hyperfit.Evaluation;

/// <summary>
/// The hyperfitting dataset cut into windows of <see cref="WindowLength"/> tokens with stride 1 (a sequence shorter
/// than the window gives one window: the whole sequence), with an exact n-gram index (orders 1–4) over the dataset
/// positions. Build once, query many hypotheses with <see cref="DatasetBleu.Compute(DatasetWindowIndex, IReadOnlyList{int[]}, BleuSmoothing)"/>.
/// N-grams never span two sequences.
/// </summary>
public sealed class DatasetWindowIndex
{
    /// <exception cref="ArgumentException">The dataset is empty, has an empty sequence, or the window is not positive.</exception>
    public DatasetWindowIndex(IReadOnlyList<int[]> dataset, int windowLength = 96)
    {
        NGram.RequireNonEmpty(dataset, nameof(dataset));
        if (windowLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(windowLength), windowLength, "The window must hold at least one token.");
        }

        WindowLength = windowLength;
        var sequenceCount = dataset.Count;
        SequenceStart = new int[sequenceCount];
        SequenceLength = new int[sequenceCount];
        SequenceFirstWindow = new int[sequenceCount];
        long total = 0;
        long windows = 0;
        for (var s = 0; s < sequenceCount; s++)
        {
            SequenceStart[s] = checked((int)total);
            SequenceLength[s] = dataset[s].Length;
            SequenceFirstWindow[s] = checked((int)windows);
            total += dataset[s].Length;
            windows += Math.Max(1, dataset[s].Length - windowLength + 1);
        }

        Tokens = new int[checked((int)total)];
        SequenceOfPosition = new int[Tokens.Length];
        WindowCount = checked((int)windows);
        SequenceOfWindow = new int[WindowCount];
        MinWindowLength = int.MaxValue;
        for (var s = 0; s < sequenceCount; s++)
        {
            dataset[s].CopyTo(Tokens, SequenceStart[s]);
            SequenceOfPosition.AsSpan(SequenceStart[s], SequenceLength[s]).Fill(s);
            var windowCount = Math.Max(1, SequenceLength[s] - windowLength + 1);
            SequenceOfWindow.AsSpan(SequenceFirstWindow[s], windowCount).Fill(s);
            MinWindowLength = Math.Min(MinWindowLength, Math.Min(windowLength, SequenceLength[s]));
        }

        Ids = new Dictionary<UInt128, int>[NGram.MaxOrder];
        IdAt = new int[NGram.MaxOrder][];
        PostingStart = new int[NGram.MaxOrder][];
        PostingPositions = new int[NGram.MaxOrder][];
        for (var n = 1; n <= NGram.MaxOrder; n++)
        {
            BuildOrder(n);
        }
    }

    public int WindowLength { get; }

    public int WindowCount { get; }

    /// <summary>The shortest window (the window length unless a sequence is shorter).</summary>
    public int MinWindowLength { get; }

    internal int[] Tokens { get; }
    internal int[] SequenceStart { get; }
    internal int[] SequenceLength { get; }
    internal int[] SequenceFirstWindow { get; }
    internal int[] SequenceOfPosition { get; }
    internal int[] SequenceOfWindow { get; }
    internal Dictionary<UInt128, int>[] Ids { get; }

    /// <summary>[order−1][position] → id of the n-gram starting there, −1 where it would cross the sequence end.</summary>
    internal int[][] IdAt { get; }

    internal int[][] PostingStart { get; }
    internal int[][] PostingPositions { get; }

    /// <summary>First token position and length of window <paramref name="window"/>.</summary>
    internal (int Start, int Length) Window(int window)
    {
        var s = SequenceOfWindow[window];
        return (SequenceStart[s] + (window - SequenceFirstWindow[s]), Math.Min(WindowLength, SequenceLength[s]));
    }

    /// <summary>The window tokens (a copy), for the brute-force oracle.</summary>
    public int[] WindowTokens(int window)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(window, WindowCount);
        var (start, length) = Window(window);
        return Tokens.AsSpan(start, length).ToArray();
    }

    /// <summary>Windows containing the n-gram at <paramref name="position"/>: an inclusive range of window indices.</summary>
    internal (int First, int Last) WindowsCovering(int position, int n)
    {
        var s = SequenceOfPosition[position];
        var seqStart = SequenceStart[s];
        var length = SequenceLength[s];
        var first = SequenceFirstWindow[s];
        if (length <= WindowLength)
        {
            return (first, first);
        }

        var lo = Math.Max(seqStart, position + n - WindowLength);
        var hi = Math.Min(position, seqStart + length - WindowLength);
        return (first + lo - seqStart, first + hi - seqStart);
    }

    private void BuildOrder(int n)
    {
        var ids = new Dictionary<UInt128, int>();
        var idAt = new int[Tokens.Length];
        Array.Fill(idAt, -1);
        for (var s = 0; s < SequenceStart.Length; s++)
        {
            var start = SequenceStart[s];
            var end = start + SequenceLength[s];
            for (var p = start; p + n <= end; p++)
            {
                var key = NGram.Key(Tokens, p, n);
                if (!ids.TryGetValue(key, out var id))
                {
                    id = ids.Count;
                    ids.Add(key, id);
                }

                idAt[p] = id;
            }
        }

        var postingStart = new int[ids.Count + 1];
        foreach (var id in idAt)
        {
            if (id >= 0)
            {
                postingStart[id + 1]++;
            }
        }

        for (var id = 0; id < ids.Count; id++)
        {
            postingStart[id + 1] += postingStart[id];
        }

        var fill = postingStart[..^1];
        var positions = new int[postingStart[^1]];
        for (var p = 0; p < idAt.Length; p++)
        {
            if (idAt[p] >= 0)
            {
                positions[fill[idAt[p]]++] = p;
            }
        }

        Ids[n - 1] = ids;
        IdAt[n - 1] = idAt;
        PostingStart[n - 1] = postingStart;
        PostingPositions[n - 1] = positions;
    }
}
