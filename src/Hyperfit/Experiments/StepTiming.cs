namespace Hyperfit.Experiments;

/// <summary>How long a step took when it ran (from its done marker), and whether this run reused it.</summary>
public sealed record StepTiming(string Step, double Seconds, string FinishedUtc, bool Reused);
