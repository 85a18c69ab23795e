namespace Hyperfit.Evaluation;

/// <summary>
/// Suffix automaton over a set of token sequences, built once in time linear in the total length. The sequences are
/// joined with a distinct separator symbol after each one (−1, −2, …), so no path crosses a sequence boundary and
/// <see cref="LongestMatch"/> finds the longest run of a text that occurs contiguously inside a single sequence.
/// Token ids must be non-negative.
/// </summary>
public sealed class SuffixAutomaton
{
    private readonly List<int> _length = [];
    private readonly List<int> _link = [];
    private readonly List<int> _firstEdge = [];
    private readonly List<int> _edgeSymbol = [];
    private readonly List<int> _edgeNext = [];
    private readonly Dictionary<long, int> _transition = [];

    /// <exception cref="ArgumentException">No sequences, an empty sequence, or a negative token id.</exception>
    public SuffixAutomaton(IReadOnlyList<int[]> sequences)
    {
        NGram.RequireNonEmpty(sequences, nameof(sequences));
        NewState(0, -1);
        var last = 0;
        for (var s = 0; s < sequences.Count; s++)
        {
            foreach (var token in sequences[s])
            {
                if (token < 0)
                {
                    throw new ArgumentException($"Sequence {s} has a negative token id {token}.", nameof(sequences));
                }

                last = Extend(last, token);
            }

            last = Extend(last, -1 - s);
        }
    }

    /// <summary>Number of states (at most 2·(total length + number of sequences)).</summary>
    public int StateCount => _length.Count;

    /// <summary>Length of the longest contiguous token run of <paramref name="text"/> found in one dataset sequence.</summary>
    /// <exception cref="ArgumentException">The text is empty.</exception>
    public int LongestMatch(ReadOnlySpan<int> text)
    {
        NGram.RequireNonEmpty(text, nameof(text));
        int state = 0, current = 0, best = 0;
        foreach (var token in text)
        {
            if (token < 0)
            {
                // Never in the dataset (and must not match a separator).
                state = 0;
                current = 0;
                continue;
            }

            int next;
            while (state != 0 && !_transition.TryGetValue(Key(state, token), out _))
            {
                state = _link[state];
                current = _length[state];
            }

            if (_transition.TryGetValue(Key(state, token), out next))
            {
                state = next;
                current++;
            }
            else
            {
                state = 0;
                current = 0;
            }

            best = Math.Max(best, current);
        }

        return best;
    }

    private static long Key(int state, int symbol) => ((long)state << 32) | (uint)symbol;

    private int NewState(int length, int link)
    {
        _length.Add(length);
        _link.Add(link);
        _firstEdge.Add(-1);
        return _length.Count - 1;
    }

    private void SetTransition(int state, int symbol, int target)
    {
        if (_transition.TryAdd(Key(state, symbol), target))
        {
            _edgeSymbol.Add(symbol);
            _edgeNext.Add(_firstEdge[state]);
            _firstEdge[state] = _edgeSymbol.Count - 1;
        }
        else
        {
            _transition[Key(state, symbol)] = target;
        }
    }

    private int Extend(int last, int symbol)
    {
        var current = NewState(_length[last] + 1, 0);
        var p = last;
        while (p != -1 && !_transition.ContainsKey(Key(p, symbol)))
        {
            SetTransition(p, symbol, current);
            p = _link[p];
        }

        if (p == -1)
        {
            return current;
        }

        var q = _transition[Key(p, symbol)];
        if (_length[p] + 1 == _length[q])
        {
            _link[current] = q;
            return current;
        }

        var clone = NewState(_length[p] + 1, _link[q]);
        for (var e = _firstEdge[q]; e != -1; e = _edgeNext[e])
        {
            SetTransition(clone, _edgeSymbol[e], _transition[Key(q, _edgeSymbol[e])]);
        }

        while (p != -1 && _transition.TryGetValue(Key(p, symbol), out var target) && target == q)
        {
            _transition[Key(p, symbol)] = clone;
            p = _link[p];
        }

        _link[q] = clone;
        _link[current] = clone;
        return current;
    }
}
