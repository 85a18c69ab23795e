namespace Hyperfit.HumanStudy;

/// <summary>
/// Left-position bias: of the votes that picked a text (not "equally good"), the share that picked the first (left)
/// one, with its Wilson interval. The model's text is shown first with probability ½ per showing (Appendix A), so an
/// annotator pool without position preference gives ≈ 50%, whatever the texts' quality.
/// </summary>
/// <param name="FirstChosen">Votes that picked the first text.</param>
/// <param name="Decisive">Votes that picked either text.</param>
/// <param name="Share">FirstChosen / Decisive; null without decisive votes.</param>
/// <param name="WilsonCi">95% Wilson interval of the share (votes treated as independent); null without decisive votes.</param>
public sealed record PositionBias(int FirstChosen, int Decisive, double? Share, ConfidenceInterval? WilsonCi)
{
    /// <summary>The bias of <paramref name="choices"/>.</summary>
    public static PositionBias Of(IEnumerable<ScreenChoice> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        int first = 0, decisive = 0;
        foreach (var choice in choices)
        {
            if (choice is ScreenChoice.First or ScreenChoice.Second)
            {
                decisive++;
                first += choice == ScreenChoice.First ? 1 : 0;
            }
        }

        return new PositionBias(first, decisive, decisive == 0 ? null : (double)first / decisive, WilsonInterval.Compute(first, decisive));
    }
}
