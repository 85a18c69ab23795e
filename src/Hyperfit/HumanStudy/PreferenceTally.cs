namespace Hyperfit.HumanStudy;

/// <summary>
/// Votes counted by what they said, and the paper's preference share (Table 1 "Pref", §4): "the percentage of times
/// that a continuation was either preferred or judged equally good to the original", i.e.
/// (model preferred + equal) / votes.
/// </summary>
/// <param name="Model">Votes preferring the model's continuation.</param>
/// <param name="Original">Votes preferring the original continuation.</param>
/// <param name="Equal">Votes judging both equally good.</param>
public sealed record PreferenceTally(int Model, int Original, int Equal)
{
    /// <summary>All votes.</summary>
    public int Votes => Model + Original + Equal;

    /// <summary>Votes where the model's text was preferred or judged equal (the numerator of Pref).</summary>
    public int Favourable => Model + Equal;

    /// <summary>Favourable / votes; null without votes.</summary>
    public double? Share => Votes == 0 ? null : (double)Favourable / Votes;

    /// <summary>True for the preferences that count toward Pref.</summary>
    public static bool IsFavourable(HumanPreference preference) => preference is HumanPreference.Model or HumanPreference.Equal;

    /// <summary>Counts <paramref name="preferences"/>.</summary>
    /// <exception cref="ArgumentException">A value outside the three preferences.</exception>
    public static PreferenceTally Of(IEnumerable<HumanPreference> preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        int model = 0, original = 0, equal = 0;
        foreach (var preference in preferences)
        {
            switch (preference)
            {
                case HumanPreference.Model: model++; break;
                case HumanPreference.Original: original++; break;
                case HumanPreference.Equal: equal++; break;
                default: throw new ArgumentException($"Unknown preference {(int)preference}.", nameof(preferences));
            }
        }

        return new PreferenceTally(model, original, equal);
    }
}
