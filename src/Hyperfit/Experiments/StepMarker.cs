using System.Text.Json.Nodes;

namespace Hyperfit.Experiments;

/// <summary>
/// A step folder's markers: <c>started.json</c> (written before the work, so an interrupted train step with unchanged
/// inputs is resumed from its checkpoint) and <c>done.json</c> (written atomically last, so a folder without it is
/// unfinished). <see cref="InputsHash"/> decides reuse (<see cref="ExperimentRunner.InputHash"/>).
/// </summary>
public sealed record StepMarker
{
    public required string Step { get; init; }

    public required string InputsHash { get; init; }

    public JsonObject? Inputs { get; init; }

    public IReadOnlyList<string>? DependsOn { get; init; }

    /// <summary>done.json: how long the work took.</summary>
    public double? Seconds { get; init; }

    /// <summary>done.json: when it finished (UTC, ISO 8601).</summary>
    public string? FinishedUtc { get; init; }

    /// <summary>started.json: when it started.</summary>
    public string? StartedUtc { get; init; }
}
