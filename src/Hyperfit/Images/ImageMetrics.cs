namespace Hyperfit.Images;

/// <summary>What an image completion is measured by (numbers the paper does not give but a reader needs). Pure
/// functions over row-major cluster ids and pixels; <c>contextRows</c> rows were given, the rest generated.</summary>
public static class ImageMetrics
{
    /// <summary>Default tolerance of a "nearly equal" row: at most this share of its pixels differ from the row above.</summary>
    public const double DefaultNearShare = 0.1;

    /// <summary>Repetition: the share of generated rows whose ids equal the row above exactly, and the share that
    /// differ from it in at most <paramref name="nearShare"/> of their pixels (the first generated row is compared
    /// with the last context row). A model stuck in a repetitive pattern (stripes, a flat fill) scores high.</summary>
    public static (double Exact, double Near) RowRepetition(IReadOnlyList<int> ids, int width, int contextRows, double nearShare = DefaultNearShare)
    {
        var height = Check(ids, width, contextRows);
        var rows = height - contextRows;
        if (rows == 0)
        {
            return (double.NaN, double.NaN);
        }

        var tolerance = (int)Math.Floor(nearShare * width);
        int exact = 0, near = 0;
        for (var r = Math.Max(contextRows, 1); r < height; r++)
        {
            var differing = 0;
            for (var c = 0; c < width; c++)
            {
                differing += ids[(r * width) + c] != ids[((r - 1) * width) + c] ? 1 : 0;
            }

            exact += differing == 0 ? 1 : 0;
            near += differing <= tolerance ? 1 : 0;
        }

        var compared = height - Math.Max(contextRows, 1);
        return ((double)exact / compared, (double)near / compared);
    }

    /// <summary>Type-token ratio of the generated ids: distinct clusters / generated pixels.</summary>
    public static double GeneratedTtr(IReadOnlyList<int> ids, int width, int contextRows)
    {
        var height = Check(ids, width, contextRows);
        var start = contextRows * width;
        var count = (height * width) - start;
        return count == 0 ? double.NaN : (double)ids.Skip(start).Distinct().Count() / count;
    }

    /// <summary>Share of generated pixels whose cluster id equals the original's.</summary>
    public static double IdAccuracy(IReadOnlyList<int> ids, IReadOnlyList<int> original, int width, int contextRows)
    {
        var height = Check(ids, width, contextRows);
        if (original.Count != ids.Count)
        {
            throw new ArgumentException($"the original has {original.Count} ids, the completion {ids.Count}", nameof(original));
        }

        var start = contextRows * width;
        var same = 0;
        for (var i = start; i < ids.Count; i++)
        {
            same += ids[i] == original[i] ? 1 : 0;
        }

        return ids.Count == start ? double.NaN : (double)same / (ids.Count - start);
    }

    /// <summary>Mean absolute difference of 8-bit channel values over rows <paramref name="fromRow"/> … H − 1 (0 = equal, 255 = opposite).</summary>
    public static double MeanAbsoluteError(RgbImage a, RgbImage b, int fromRow)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Width != b.Width || a.Height != b.Height)
        {
            throw new ArgumentException($"images differ in size ({a.Width}×{a.Height} and {b.Width}×{b.Height})", nameof(b));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(fromRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fromRow, a.Height);
        var start = 3 * fromRow * a.Width;
        if (start == a.Pixels.Length)
        {
            return double.NaN;
        }

        long sum = 0;
        for (var i = start; i < a.Pixels.Length; i++)
        {
            sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        }

        return (double)sum / (a.Pixels.Length - start);
    }

    /// <summary>Copying: the training image closest to <paramref name="image"/> over rows <paramref name="fromRow"/> … H − 1
    /// (mean absolute channel difference) and that distance. A completion that recites a hyperfitting image has distance ≈ 0.</summary>
    public static (int Index, double Distance) Nearest(RgbImage image, IReadOnlyList<RgbImage> candidates, int fromRow)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("no images to compare with", nameof(candidates));
        }

        var best = (Index: -1, Distance: double.PositiveInfinity);
        for (var i = 0; i < candidates.Count; i++)
        {
            var d = MeanAbsoluteError(image, candidates[i], fromRow);
            if (d < best.Distance)
            {
                best = (i, d);
            }
        }

        return best;
    }

    private static int Check(IReadOnlyList<int> ids, int width, int contextRows)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (ids.Count % width != 0)
        {
            throw new ArgumentException($"{ids.Count} ids are not whole rows of {width}", nameof(ids));
        }

        var height = ids.Count / width;
        ArgumentOutOfRangeException.ThrowIfNegative(contextRows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(contextRows, height);
        return height;
    }
}
