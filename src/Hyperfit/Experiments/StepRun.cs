namespace Hyperfit.Experiments;

/// <summary>What a step's work is given by the runner.</summary>
/// <param name="Directory">The step's folder: empty, or (with <paramref name="Resume"/>) holding the checkpoint of an
/// interrupted run of the same inputs.</param>
/// <param name="Resume">A train step continues from its checkpoint (issue: a stop in minute 50 of 53 loses nothing).</param>
/// <param name="Log">Progress lines from inside the step (training updates, generation batches).</param>
/// <param name="Cancellation">Ctrl-C / SIGTERM: a train step checkpoints and stops, other steps stop between batches.</param>
public sealed record StepRun(string Directory, bool Resume, Action<string> Log, CancellationToken Cancellation);
