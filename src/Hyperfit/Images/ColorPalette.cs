namespace Hyperfit.Images;

/// <summary>ImageGPT's colour clusters: K RGB centres in [−1, 1] (<c>clusters</c> of preprocessor_config.json). A pixel
/// becomes the id of its nearest centre; an id becomes the centre's colour.</summary>
/// <remarks>Quantisation follows transformers' <c>ImageGPTImageProcessor</c> step for step, including its float
/// types, so that ties and near-ties resolve the same way: the pixel is normalised in float32
/// (<c>float32(v · (1/127.5)) − 1</c>), the distance is <c>|x|² − 2·x·c + |c|²</c> with <c>|x|²</c> summed in float32
/// and everything else in float64, and the first minimum wins (numpy's argmin).</remarks>
public sealed class ColorPalette
{
    private readonly double[] _centres; // K × 3
    private readonly double[] _norms;   // |c|² per cluster, float64
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _cache = new();

    /// <param name="clusters">K × 3 centres in the normalised space.</param>
    /// <exception cref="ArgumentException">An empty palette, a row without exactly 3 values, or a non-finite value.</exception>
    public ColorPalette(IReadOnlyList<IReadOnlyList<double>> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        if (clusters.Count == 0)
        {
            throw new ArgumentException("clusters is empty (a palette needs at least one colour)", nameof(clusters));
        }

        _centres = new double[3 * clusters.Count];
        _norms = new double[clusters.Count];
        for (var k = 0; k < clusters.Count; k++)
        {
            if (clusters[k] is not { Count: 3 } row)
            {
                throw new ArgumentException($"clusters[{k}] has {clusters[k]?.Count ?? 0} values; each cluster is 3 (R, G, B in [-1, 1])", nameof(clusters));
            }

            for (var c = 0; c < 3; c++)
            {
                if (!double.IsFinite(row[c]))
                {
                    throw new ArgumentException($"clusters[{k}][{c}] is {row[c]}, not a finite number", nameof(clusters));
                }

                _centres[(3 * k) + c] = row[c];
            }

            _norms[k] = (row[0] * row[0]) + (row[1] * row[1]) + (row[2] * row[2]);
        }
    }

    public int Count => _norms.Length;

    /// <summary>The centres as K rows of 3 values.</summary>
    public IReadOnlyList<double[]> Clusters => [.. Enumerable.Range(0, Count).Select(k => _centres.AsSpan(3 * k, 3).ToArray())];

    /// <summary>transformers' normalisation of one 8-bit value: <c>float32(v / 127.5) − 1</c> in float32.</summary>
    public static float Normalize(byte value) => (float)(value * (1 / 127.5)) - 1f;

    /// <summary>The nearest cluster of an 8-bit RGB colour.</summary>
    public int Nearest(byte r, byte g, byte b)
    {
        var key = (r << 16) | (g << 8) | b;
        if (_cache.TryGetValue(key, out var hit))
        {
            return hit;
        }

        var (x0, x1, x2) = (Normalize(r), Normalize(g), Normalize(b));
        var a2 = (double)((x0 * x0) + (x1 * x1) + (x2 * x2)); // float32 sum, as numpy sums a float32 array
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var k = 0; k < Count; k++)
        {
            var ab = ((double)x0 * _centres[3 * k]) + ((double)x1 * _centres[(3 * k) + 1]) + ((double)x2 * _centres[(3 * k) + 2]);
            var d = a2 - (2 * ab) + _norms[k];
            if (d < bestDistance)
            {
                bestDistance = d;
                best = k;
            }
        }

        _cache[key] = best;

        return best;
    }

    /// <summary>Cluster ids of every pixel, row-major (transformers' <c>input_ids</c> without a start token).</summary>
    public int[] Quantize(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var ids = new int[image.Width * image.Height];
        var p = image.Pixels;
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = Nearest(p[3 * i], p[(3 * i) + 1], p[(3 * i) + 2]);
        }

        return ids;
    }

    /// <summary>The 8-bit colour of a cluster: <c>rint(127.5 · (c + 1))</c> per channel (round half to even, as numpy).</summary>
    public (byte R, byte G, byte B) Color(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Count);
        return (ToByte(_centres[3 * id]), ToByte(_centres[(3 * id) + 1]), ToByte(_centres[(3 * id) + 2]));
    }

    /// <summary>Ids (row-major) back to an image.</summary>
    /// <exception cref="ArgumentException">Wrong length or an id that is not a cluster (e.g. the start token).</exception>
    public RgbImage Decode(IReadOnlyList<int> ids, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count != width * height)
        {
            throw new ArgumentException($"{ids.Count} ids do not make a {width}×{height} image", nameof(ids));
        }

        var rgb = new byte[3 * ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            if ((uint)ids[i] >= (uint)Count)
            {
                throw new ArgumentException($"id {ids[i]} at pixel {i} is not one of the {Count} colour clusters", nameof(ids));
            }

            (rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2]) = Color(ids[i]);
        }

        return new RgbImage(width, height, rgb);
    }

    private static byte ToByte(double c) => (byte)Math.Clamp(Math.Round(127.5 * (c + 1.0), MidpointRounding.ToEven), 0, 255);
}
