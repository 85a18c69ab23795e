namespace Hyperfit.Experiments;

/// <summary>One of the paper's claims checked on the run: the quantity for the base model and for a hyperfitted
/// variant, the direction the paper reports (<c>up</c>/<c>down</c>) and whether the run moved the same way (null when a
/// number is missing).</summary>
public sealed record DirectionRow
{
    public required string Quantity { get; init; }

    public required string Paper { get; init; }

    public required string Variant { get; init; }

    public double? Base { get; init; }

    public double? Trained { get; init; }

    public bool? SameDirection { get; init; }
}
