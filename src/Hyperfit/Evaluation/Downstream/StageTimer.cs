using System.Diagnostics;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>Counts finished questions of one stage and reports rate and ETA.</summary>
internal sealed class StageTimer(string stage, int total, IProgress<DownstreamProgress>? progress)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public int Done { get; private set; }

    public double Seconds => _clock.Elapsed.TotalSeconds;

    public double Rate => Seconds > 0 ? Done / Seconds : 0;

    public void Add(int questions)
    {
        Done += questions;
        var rate = Rate;
        TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds((total - Done) / rate) : null;
        progress?.Report(new DownstreamProgress(stage, Done, total, rate, eta));
    }
}
