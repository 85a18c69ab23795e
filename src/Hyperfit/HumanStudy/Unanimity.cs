namespace Hyperfit.HumanStudy;

/// <summary>
/// Share of items whose annotations all agree (all model, all original or all equal): a plain-language agreement
/// figure next to the chance-corrected ones. Only items with exactly <see cref="ProtocolVotes.AnnotationsPerItem"/>
/// annotations take part, so every item has the same chance to be unanimous.
/// </summary>
/// <param name="Unanimous">Items whose three annotations are the same.</param>
/// <param name="Items">Items with exactly three annotations.</param>
/// <param name="Share">Unanimous / Items; null without items.</param>
public sealed record Unanimity(int Unanimous, int Items, double? Share)
{
    /// <summary>Unanimity over <paramref name="items"/>, each the preferences of one item's annotations; items with
    /// another count than three are skipped.</summary>
    public static Unanimity Of(IEnumerable<IReadOnlyList<HumanPreference>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        int unanimous = 0, complete = 0;
        foreach (var item in items)
        {
            if (item.Count != ProtocolVotes.AnnotationsPerItem)
            {
                continue;
            }

            complete++;
            unanimous += item.All(p => p == item[0]) ? 1 : 0;
        }

        return new Unanimity(unanimous, complete, complete == 0 ? null : (double)unanimous / complete);
    }
}
