using System.Diagnostics;

namespace Hyperfit.Evaluation;

/// <summary>Sizes and seed of a metrics benchmark run; the defaults are the targets of the paper-sized workload.</summary>
public sealed record MetricsBenchmarkOptions
{
    public int Seed { get; init; } = 1234;
    public int Vocabulary { get; init; } = 32_000;
    public int TextLength { get; init; } = 96;
    public int SelfBleuTexts { get; init; } = 1000;
    public int DatasetBleuTexts { get; init; } = 300;
    public int DatasetSequences { get; init; } = 2000;
    public int DatasetSequenceLength { get; init; } = 256;
    public BleuSmoothing Smoothing { get; init; } = BleuSmoothing.None;

    /// <summary>Hypotheses scored by the Self-BLEU brute force; its time is extrapolated to all texts.</summary>
    public int SelfBleuBruteForceTexts { get; init; } = 20;

    /// <summary>Hypotheses scored by the Dataset-BLEU brute force; its time is extrapolated to all texts.</summary>
    public int DatasetBleuBruteForceTexts { get; init; } = 1;

    /// <summary>Texts checked by the overlap brute force; its time is extrapolated to all texts.</summary>
    public int OverlapBruteForceTexts { get; init; } = 3;
}

/// <summary>One metric's timings. <see cref="BruteForceSeconds"/> is extrapolated when <see cref="BruteForceSubset"/>
/// is less than <see cref="Items"/>: measured time × Items / BruteForceSubset.</summary>
public sealed record MetricTiming(string Metric, int Items, double FastSeconds, int BruteForceSubset, double BruteForceSeconds,
    bool Agrees)
{
    public bool Extrapolated => BruteForceSubset < Items;
    public double SpeedUp => BruteForceSeconds / FastSeconds;
}

/// <summary>Benchmark results; <see cref="DatasetSeconds"/> is the Dataset-BLEU and overlap target (index builds included).</summary>
public sealed record MetricsBenchmarkResult(MetricsBenchmarkOptions Options, int Cores, IReadOnlyList<MetricTiming> Timings,
    double DatasetSeconds)
{
    /// <summary>Printable report, one line per metric, saying where brute-force times are extrapolated.</summary>
    public override string ToString()
    {
        var lines = new List<string>
        {
            $"metrics benchmark: seed {Options.Seed}, vocabulary {Options.Vocabulary} (Zipf), {Options.TextLength}-token texts, " +
            $"smoothing {Options.Smoothing}, {Cores} cores",
        };
        foreach (var t in Timings)
        {
            var brute = t.Extrapolated
                ? $"brute force {t.BruteForceSeconds:F2} s (extrapolated from {t.BruteForceSubset} of {t.Items})"
                : $"brute force {t.BruteForceSeconds:F2} s";
            lines.Add($"  {t.Metric,-13} {t.Items,5} texts: fast {t.FastSeconds:F3} s, {brute}, speed-up ×{t.SpeedUp:F0}, " +
                      $"agree on subset: {(t.Agrees ? "yes" : "NO")}");
        }

        lines.Add($"  dataset BLEU + overlap together: {DatasetSeconds:F3} s");
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>
/// Times the fast metric implementations against their brute-force oracles on seeded random inputs
/// (tokens drawn from a Zipf(1) distribution over the vocabulary, a rough stand-in for natural text).
/// </summary>
public static class MetricsBenchmark
{
    public static MetricsBenchmarkResult Run(MetricsBenchmarkOptions? options = null)
    {
        options ??= new MetricsBenchmarkOptions();
        var random = new Random(options.Seed);
        var sampler = new ZipfSampler(options.Vocabulary);
        int[][] Make(int count, int length) =>
            Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, length).Select(_ => sampler.Next(random)).ToArray()).ToArray();

        var selfTexts = Make(options.SelfBleuTexts, options.TextLength);
        var dataset = Make(options.DatasetSequences, options.DatasetSequenceLength);
        var datasetTexts = Make(options.DatasetBleuTexts, options.TextLength);
        // Some texts cite the dataset, as hyperfitted models occasionally do.
        for (var i = 0; i < datasetTexts.Length; i += 10)
        {
            var source = dataset[random.Next(dataset.Length)];
            var start = random.Next(Math.Max(1, source.Length - options.TextLength + 1));
            var length = Math.Min(random.Next(5, 40), source.Length - start);
            Array.Copy(source, start, datasetTexts[i], random.Next(options.TextLength - length + 1), length);
        }

        var timings = new List<MetricTiming>();

        // Self-BLEU
        var clock = Stopwatch.StartNew();
        var self = SelfBleu.Compute(selfTexts, options.Smoothing);
        var selfFast = clock.Elapsed.TotalSeconds;
        var selfSubset = Math.Min(options.SelfBleuBruteForceTexts, selfTexts.Length);
        clock.Restart();
        var selfBrute = SelfBleu.BruteForce(selfTexts, options.Smoothing, Enumerable.Range(0, selfSubset).ToArray());
        var selfBruteTime = clock.Elapsed.TotalSeconds * selfTexts.Length / selfSubset;
        timings.Add(new MetricTiming("Self-BLEU", selfTexts.Length, selfFast, selfSubset, selfBruteTime,
            Enumerable.Range(0, selfSubset).All(i => Close(selfBrute[i], self.Highest[i]))));

        // Dataset BLEU and overlap (index and automaton builds are part of the fast time)
        clock.Restart();
        var bleu = DatasetBleu.Compute(datasetTexts, dataset, options.TextLength, options.Smoothing);
        var bleuFast = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var overlap = DatasetOverlap.Compute(datasetTexts, dataset);
        var overlapFast = clock.Elapsed.TotalSeconds;

        var bleuSubset = Math.Min(options.DatasetBleuBruteForceTexts, datasetTexts.Length);
        clock.Restart();
        var bleuBrute = DatasetBleu.BruteForce(datasetTexts, dataset, options.TextLength, options.Smoothing,
            Enumerable.Range(0, bleuSubset).ToArray());
        var bleuBruteTime = clock.Elapsed.TotalSeconds * datasetTexts.Length / bleuSubset;
        timings.Add(new MetricTiming("Dataset BLEU", datasetTexts.Length, bleuFast, bleuSubset, bleuBruteTime,
            Enumerable.Range(0, bleuSubset).All(i => Close(bleuBrute[i], bleu.Highest[i]))));

        var overlapSubset = Math.Min(options.OverlapBruteForceTexts, datasetTexts.Length);
        clock.Restart();
        var overlapBrute = Enumerable.Range(0, overlapSubset).Select(i => DatasetOverlap.BruteForce(datasetTexts[i], dataset)).ToArray();
        var overlapBruteTime = clock.Elapsed.TotalSeconds * datasetTexts.Length / overlapSubset;
        timings.Add(new MetricTiming("Overlap", datasetTexts.Length, overlapFast, overlapSubset, overlapBruteTime,
            Enumerable.Range(0, overlapSubset).All(i => overlapBrute[i] == overlap.Longest[i])));

        return new MetricsBenchmarkResult(options, Environment.ProcessorCount, timings, bleuFast + overlapFast);
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-12 * Math.Max(Math.Abs(a), Math.Abs(b));

    /// <summary>Zipf(1) over token ids 0..n−1 by inverse CDF.</summary>
    private sealed class ZipfSampler
    {
        private readonly double[] _cumulative;

        public ZipfSampler(int n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
            _cumulative = new double[n];
            var sum = 0.0;
            for (var k = 0; k < n; k++)
            {
                sum += 1.0 / (k + 1);
                _cumulative[k] = sum;
            }
        }

        public int Next(Random random)
        {
            var u = random.NextDouble() * _cumulative[^1];
            var index = Array.BinarySearch(_cumulative, u);
            return Math.Min(index < 0 ? ~index : index, _cumulative.Length - 1);
        }
    }
}
