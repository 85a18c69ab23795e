namespace Hyperfit.Evaluation.Downstream;

/// <summary>Accuracy, F1 and Matthews correlation over gold and predicted label indices, as scikit-learn computes
/// them (the harness aggregates with <c>sklearn.metrics</c>). A prediction of −1 (generate mode: no answer word found)
/// is its own class: never correct, never the positive class.</summary>
public static class ClassificationMetrics
{
    /// <summary>Share of predictions equal to the gold label; null for no examples.</summary>
    public static double? Accuracy(IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        Check(gold, predicted);
        if (gold.Count == 0)
        {
            return null;
        }

        var correct = 0;
        for (var i = 0; i < gold.Count; i++)
        {
            correct += gold[i] == predicted[i] ? 1 : 0;
        }

        return (double)correct / gold.Count;
    }

    /// <summary>Binary F1 of <paramref name="positive"/> (sklearn's <c>f1_score</c> default, label 1): 2·TP / (2·TP + FP + FN),
    /// 0 when there is neither a positive prediction nor a positive label (sklearn's zero_division result); null for no
    /// examples.</summary>
    public static double? F1(IReadOnlyList<int> gold, IReadOnlyList<int> predicted, int positive = 1)
    {
        Check(gold, predicted);
        if (gold.Count == 0)
        {
            return null;
        }

        long tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < gold.Count; i++)
        {
            var g = gold[i] == positive;
            var p = predicted[i] == positive;
            tp += g && p ? 1 : 0;
            fp += !g && p ? 1 : 0;
            fn += g && !p ? 1 : 0;
        }

        var denominator = (2 * tp) + fp + fn;
        return denominator == 0 ? 0.0 : 2.0 * tp / denominator;
    }

    /// <summary>Matthews correlation coefficient in its multi-class form (Gorodkin's R_K, what sklearn's
    /// <c>matthews_corrcoef</c> computes; for two classes the familiar (TP·TN − FP·FN) / √(…)):
    /// (c·s − Σ p_k·t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)) with s examples, c correct, p_k predicted and t_k true counts
    /// of class k. 0 when a factor under the root is 0 (constant predictions or labels), as sklearn returns; null for
    /// no examples.</summary>
    public static double? MatthewsCorrelation(IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        Check(gold, predicted);
        if (gold.Count == 0)
        {
            return null;
        }

        var predictedCounts = new Dictionary<int, long>();
        var trueCounts = new Dictionary<int, long>();
        long correct = 0;
        for (var i = 0; i < gold.Count; i++)
        {
            predictedCounts[predicted[i]] = predictedCounts.GetValueOrDefault(predicted[i]) + 1;
            trueCounts[gold[i]] = trueCounts.GetValueOrDefault(gold[i]) + 1;
            correct += gold[i] == predicted[i] ? 1 : 0;
        }

        double s = gold.Count;
        var classes = predictedCounts.Keys.Union(trueCounts.Keys);
        double pt = 0, pp = 0, tt = 0;
        foreach (var k in classes)
        {
            double p = predictedCounts.GetValueOrDefault(k);
            double t = trueCounts.GetValueOrDefault(k);
            pt += p * t;
            pp += p * p;
            tt += t * t;
        }

        var denominator = Math.Sqrt((s * s - pp) * (s * s - tt));
        return denominator == 0 ? 0.0 : ((correct * s) - pt) / denominator;
    }

    private static void Check(IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException($"{gold.Count} gold labels but {predicted.Count} predictions", nameof(predicted));
        }
    }
}
