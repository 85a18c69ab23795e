using Hyperfit.Training;

namespace Hyperfit.Images;

/// <summary>Builds a palette the way ImageGPT's was built — k-means over pixel colours in the normalised [−1, 1] space —
/// for a new dataset. Colours are counted first (an 8-bit image set has at most 2²⁴ distinct ones, a grayscale set
/// 256), so every pixel of every image counts, at the cost of one pass.</summary>
public static class KMeansPalette
{
    /// <summary>k-means++ seeding then Lloyd iterations on the weighted distinct colours, deterministic for a seed;
    /// clusters are returned sorted by luminance (dark first) and rounded to 6 decimals (what preprocessor_config.json stores).</summary>
    /// <exception cref="ArgumentException">Fewer distinct colours than clusters asked for.</exception>
    public static ColorPalette Fit(IEnumerable<RgbImage> images, int clusters, long seed = 42, int iterations = 50)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        var counts = new Dictionary<int, long>();
        foreach (var image in images)
        {
            var p = image.Pixels;
            for (var i = 0; i < p.Length; i += 3)
            {
                var key = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        if (counts.Count < clusters)
        {
            throw new ArgumentException($"the images hold {counts.Count} distinct colours; {clusters} clusters need at least as many");
        }

        var keys = counts.Keys.Order().ToArray();
        var points = keys.Select(k => new[] { (double)ColorPalette.Normalize((byte)(k >> 16)), ColorPalette.Normalize((byte)(k >> 8)), ColorPalette.Normalize((byte)k) }).ToArray();
        var weights = keys.Select(k => (double)counts[k]).ToArray();
        var random = new DeterministicRandom(seed);

        // k-means++: the first centre by weight, each next one with probability ∝ weight · distance².
        var centres = new List<double[]> { points[Draw(weights, random)] };
        var nearest = points.Select(p => Distance(p, centres[0])).ToArray();
        while (centres.Count < clusters)
        {
            var chosen = Draw(nearest.Select((d, i) => d * weights[i]).ToArray(), random);
            centres.Add(points[chosen]);
            for (var i = 0; i < points.Length; i++)
            {
                nearest[i] = Math.Min(nearest[i], Distance(points[i], points[chosen]));
            }
        }

        var c = centres.Select(x => (double[])x.Clone()).ToArray();
        var assignment = new int[points.Length];
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var changed = false;
            for (var i = 0; i < points.Length; i++)
            {
                var best = 0;
                for (var k = 1; k < c.Length; k++)
                {
                    if (Distance(points[i], c[k]) < Distance(points[i], c[best]))
                    {
                        best = k;
                    }
                }

                changed |= iteration == 0 || assignment[i] != best;
                assignment[i] = best;
            }

            if (!changed)
            {
                break;
            }

            var sums = new double[c.Length, 3];
            var mass = new double[c.Length];
            for (var i = 0; i < points.Length; i++)
            {
                for (var d = 0; d < 3; d++)
                {
                    sums[assignment[i], d] += weights[i] * points[i][d];
                }

                mass[assignment[i]] += weights[i];
            }

            for (var k = 0; k < c.Length; k++)
            {
                if (mass[k] > 0)
                {
                    c[k] = [sums[k, 0] / mass[k], sums[k, 1] / mass[k], sums[k, 2] / mass[k]];
                }
            }
        }

        var sorted = c.Select(x => x.Select(v => Math.Round(v, 6)).ToArray())
            .OrderBy(x => (0.299 * x[0]) + (0.587 * x[1]) + (0.114 * x[2])).ThenBy(x => x[0]).ThenBy(x => x[1])
            .Select(x => (IReadOnlyList<double>)x).ToList();
        return new ColorPalette(sorted);
    }

    private static double Distance(double[] a, double[] b)
    {
        var (d0, d1, d2) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        return (d0 * d0) + (d1 * d1) + (d2 * d2);
    }

    private static int Draw(double[] weights, DeterministicRandom random)
    {
        var total = weights.Sum();
        var target = (random.NextUInt64() >> 11) * (1.0 / (1UL << 53)) * total; // uniform in [0, total)
        for (var i = 0; i < weights.Length; i++)
        {
            target -= weights[i];
            if (target < 0)
            {
                return i;
            }
        }

        return Array.FindLastIndex(weights, w => w > 0);
    }
}
