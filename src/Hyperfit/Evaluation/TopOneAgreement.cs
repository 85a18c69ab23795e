namespace Hyperfit.Evaluation;

/// <summary>
/// Top-1 agreement (Figure 5 left, §6.1): over the same texts, the share of predicted positions where two models'
/// most probable next tokens are equal; pooled over all positions of all texts.
/// </summary>
public static class TopOneAgreement
{
    /// <summary>Share in [0, 1] of positions where <paramref name="a"/> and <paramref name="b"/> have the same argmax.</summary>
    /// <param name="a">Per text, model A's argmax at every predicted position.</param>
    /// <param name="b">The same for model B; same number of texts and of positions per text.</param>
    /// <exception cref="ArgumentException">No positions, or the two do not cover the same positions.</exception>
    public static double Compute(IReadOnlyList<int[]> a, IReadOnlyList<int[]> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Model argmaxes cover {a.Count} and {b.Count} texts; they must cover the same texts.", nameof(b));
        }

        long same = 0, total = 0;
        for (var t = 0; t < a.Count; t++)
        {
            if (a[t].Length != b[t].Length)
            {
                throw new ArgumentException($"Text {t} has {a[t].Length} and {b[t].Length} predicted positions; they must be equal.", nameof(b));
            }

            for (var i = 0; i < a[t].Length; i++)
            {
                same += a[t][i] == b[t][i] ? 1 : 0;
            }

            total += a[t].Length;
        }

        if (total == 0)
        {
            throw new ArgumentException("No predicted positions to compare.", nameof(a));
        }

        return (double)same / total;
    }

    /// <summary>The symmetric N×N matrix of <see cref="Compute"/> for N models (diagonal 1).</summary>
    /// <param name="argmaxes">argmaxes[m][t][i]: model m's argmax at position i of text t.</param>
    public static double[][] Matrix(IReadOnlyList<IReadOnlyList<int[]>> argmaxes)
    {
        ArgumentNullException.ThrowIfNull(argmaxes);
        var n = argmaxes.Count;
        var matrix = new double[n][];
        for (var i = 0; i < n; i++)
        {
            matrix[i] = new double[n];
        }

        for (var i = 0; i < n; i++)
        {
            matrix[i][i] = Compute(argmaxes[i], argmaxes[i]);
            for (var j = i + 1; j < n; j++)
            {
                matrix[i][j] = matrix[j][i] = Compute(argmaxes[i], argmaxes[j]);
            }
        }

        return matrix;
    }
}
