using TorchSharp;
using static TorchSharp.torch;

namespace Hyperfit.Models;

/// <summary>Keys and values of the positions a model has already processed, one pair per layer.</summary>
/// <remarks>Storage is preallocated (B, nKv, capacity, hd) and grows by doubling, so a decode step writes
/// one slot instead of concatenating the whole history. The cache owns its tensors: dispose it.</remarks>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;
    private int _capacity;

    public KvCache(int numLayers, int capacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numLayers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _keys = new Tensor?[numLayers];
        _values = new Tensor?[numLayers];
        _capacity = capacity;
    }

    /// <summary>Positions stored so far (the same for every layer once a step is complete).</summary>
    public int Length { get; private set; }

    public int NumLayers => _keys.Length;

    /// <summary>Appends this step's (B, nKv, T, hd) keys and values for <paramref name="layer"/> and returns
    /// views of all (B, nKv, Length + T, hd) keys and values. Call <see cref="Advance"/> after the last layer.</summary>
    public (Tensor Keys, Tensor Values) Update(int layer, Tensor keys, Tensor values)
    {
        var step = (int)keys.shape[2];
        var needed = Length + step;
        var (k, v) = Reserve(layer, keys.shape[0], keys.shape[1], keys.shape[3], values.shape[3], keys.dtype, keys.device, step);
        using (no_grad())
        {
            k.narrow(2, Length, step).copy_(keys);
            v.narrow(2, Length, step).copy_(values);
        }

        return (k.narrow(2, 0, needed), v.narrow(2, 0, needed));
    }

    /// <summary>The whole (B, nKv, capacity, hd) key and value storage of <paramref name="layer"/>, grown (or first
    /// allocated, zero-filled) so that <paramref name="steps"/> positions fit after <see cref="Length"/>. For callers
    /// that write the new positions themselves (the CPU decode kernels); they still call <see cref="Advance"/>.</summary>
    internal (Tensor Keys, Tensor Values) Reserve(int layer, long batch, long kvHeads, long keyDim, long valueDim, ScalarType dtype, Device device, int steps)
    {
        var needed = Length + steps;
        if (_keys[layer] is null || needed > _capacity)
        {
            Grow(layer, batch, kvHeads, keyDim, valueDim, dtype, device, needed);
        }

        return (_keys[layer]!, _values[layer]!);
    }

    /// <summary>Marks <paramref name="step"/> new positions as stored (after every layer has called Update).</summary>
    public void Advance(int step) => Length += step;

    /// <summary>Keeps only the batch rows in <paramref name="rows"/> (int64 indices), e.g. after beams or
    /// finished sequences are dropped.</summary>
    public void SelectRows(Tensor rows)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] is null)
            {
                continue;
            }

            var k = _keys[i]!.index_select(0, rows);
            var v = _values[i]!.index_select(0, rows);
            _keys[i]!.Dispose();
            _values[i]!.Dispose();
            _keys[i] = k.DetachFromDisposeScope();
            _values[i] = v.DetachFromDisposeScope();
        }
    }

    private void Grow(int layer, long batch, long kvHeads, long keyDim, long valueDim, ScalarType dtype, Device device, int needed)
    {
        var newCapacity = Math.Max(_capacity, 1);
        while (newCapacity < needed)
        {
            newCapacity *= 2;
        }

        // Every layer shares one capacity; layers not yet allocated pick it up on their first Update.
        if (newCapacity != _capacity)
        {
            _capacity = newCapacity;
            for (var i = 0; i < _keys.Length; i++)
            {
                if (i != layer && _keys[i] is not null)
                {
                    _keys[i] = Reallocate(_keys[i]!, newCapacity);
                    _values[i] = Reallocate(_values[i]!, newCapacity);
                }
            }
        }

        var k = zeros([batch, kvHeads, newCapacity, keyDim], dtype, device).DetachFromDisposeScope();
        var v = zeros([batch, kvHeads, newCapacity, valueDim], dtype, device).DetachFromDisposeScope();
        if (_keys[layer] is not null && Length > 0)
        {
            using (no_grad())
            {
                k.narrow(2, 0, Length).copy_(_keys[layer]!.narrow(2, 0, Length));
                v.narrow(2, 0, Length).copy_(_values[layer]!.narrow(2, 0, Length));
            }
        }

        _keys[layer]?.Dispose();
        _values[layer]?.Dispose();
        _keys[layer] = k;
        _values[layer] = v;
    }

    private Tensor Reallocate(Tensor old, int capacity)
    {
        var fresh = zeros([old.shape[0], old.shape[1], capacity, old.shape[3]], old.dtype, old.device).DetachFromDisposeScope();
        using (no_grad())
        {
            fresh.narrow(2, 0, Length).copy_(old.narrow(2, 0, Length));
        }

        old.Dispose();
        return fresh;
    }

    public void Dispose()
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            _keys[i]?.Dispose();
            _values[i]?.Dispose();
            _keys[i] = null;
            _values[i] = null;
        }
    }
}
