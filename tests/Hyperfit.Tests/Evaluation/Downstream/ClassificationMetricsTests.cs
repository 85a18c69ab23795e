using Hyperfit.Evaluation.Downstream;

namespace Hyperfit.Tests.Evaluation.Downstream;

public sealed class ClassificationMetricsTests
{
    [Fact]
    public void Should_match_hand_computed_binary_values()
    {
        // Given gold and predicted labels with TP = 3, TN = 2, FP = 1, FN = 2 (positive label 1)
        int[] gold = [1, 1, 1, 1, 1, 0, 0, 0];
        int[] predicted = [1, 1, 1, 0, 0, 0, 0, 1];

        // Then accuracy = 5/8, F1 = 2·3 / (2·3 + 1 + 2) = 6/9,
        // MCC = (3·2 − 1·2) / √((3+1)(3+2)(2+1)(2+2)) = 4 / √240
        Assert.Equal(5.0 / 8, ClassificationMetrics.Accuracy(gold, predicted)!.Value, 12);
        Assert.Equal(6.0 / 9, ClassificationMetrics.F1(gold, predicted)!.Value, 12);
        Assert.Equal(4 / Math.Sqrt(240), ClassificationMetrics.MatthewsCorrelation(gold, predicted)!.Value, 12);
    }

    [Fact]
    public void Should_match_the_binary_formula_on_random_confusion_matrices()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 200; trial++)
        {
            // Given random labels
            var n = random.Next(1, 30);
            var gold = Enumerable.Range(0, n).Select(_ => random.Next(2)).ToArray();
            var predicted = Enumerable.Range(0, n).Select(_ => random.Next(2)).ToArray();
            double tp = 0, tn = 0, fp = 0, fn = 0;
            for (var i = 0; i < n; i++)
            {
                (tp, tn, fp, fn) = (gold[i], predicted[i]) switch
                {
                    (1, 1) => (tp + 1, tn, fp, fn),
                    (0, 0) => (tp, tn + 1, fp, fn),
                    (0, 1) => (tp, tn, fp + 1, fn),
                    _ => (tp, tn, fp, fn + 1),
                };
            }

            // Then MCC = (TP·TN − FP·FN) / √(…), 0 when a margin is empty; F1 = 2TP / (2TP + FP + FN), 0 when 0/0
            var denominator = Math.Sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
            var mcc = denominator == 0 ? 0 : ((tp * tn) - (fp * fn)) / denominator;
            Assert.Equal(mcc, ClassificationMetrics.MatthewsCorrelation(gold, predicted)!.Value, 10);
            var f1 = (2 * tp) + fp + fn == 0 ? 0 : 2 * tp / ((2 * tp) + fp + fn);
            Assert.Equal(f1, ClassificationMetrics.F1(gold, predicted)!.Value, 10);
        }
    }

    [Fact]
    public void Should_compute_the_multiclass_correlation_by_hand()
    {
        // Given three classes: gold 0,0,1,1,2,2 and predictions 0,1,1,1,2,0
        int[] gold = [0, 0, 1, 1, 2, 2];
        int[] predicted = [0, 1, 1, 1, 2, 0];

        // Then with s = 6, c = 4, predicted counts p = (2, 3, 1), true counts t = (2, 2, 2):
        // (c·s − Σ p·t) / √((s² − Σ p²)(s² − Σ t²)) = (24 − 12) / √((36 − 14)(36 − 12)) = 12 / √528
        Assert.Equal(12 / Math.Sqrt(528), ClassificationMetrics.MatthewsCorrelation(gold, predicted)!.Value, 12);
    }

    [Fact]
    public void Should_give_zero_correlation_to_constant_predictions_and_count_unparsable_answers_wrong()
    {
        // Given a generate-mode run that never produced an answer word (−1)
        int[] gold = [0, 1, 1, 0];
        int[] none = [-1, -1, -1, -1];

        // Then accuracy, F1 and MCC are all 0 (the paper's many exact zeros)
        Assert.Equal(0.0, ClassificationMetrics.Accuracy(gold, none));
        Assert.Equal(0.0, ClassificationMetrics.F1(gold, none));
        Assert.Equal(0.0, ClassificationMetrics.MatthewsCorrelation(gold, none));

        // And an unparsable answer is a negative for F1: gold 1,1,0 predicted 1,−1,1 gives TP 1, FN 1, FP 1
        Assert.Equal(2.0 / 4, ClassificationMetrics.F1([1, 1, 0], [1, -1, 1])!.Value, 12);
    }

    [Fact]
    public void Should_return_null_for_no_examples()
    {
        Assert.Null(ClassificationMetrics.Accuracy([], []));
        Assert.Null(ClassificationMetrics.F1([], []));
        Assert.Null(ClassificationMetrics.MatthewsCorrelation([], []));
    }
}
