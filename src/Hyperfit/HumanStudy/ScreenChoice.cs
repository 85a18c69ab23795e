namespace Hyperfit.HumanStudy;

/// <summary>The button an annotator pressed: the first (left) text, the second (right) text, or "equally good".
/// Stored with every vote next to which side the model's text was on, so the preference can be recomputed and the
/// left-position bias measured.</summary>
public enum ScreenChoice
{
    First,
    Second,
    Equal,
}
