namespace Hyperfit.HumanStudy;

/// <summary>What one annotator said about one comparison, in terms of the texts rather than the screen (§4: the
/// model's continuation against the original one).</summary>
public enum HumanPreference
{
    /// <summary>The model's continuation was judged better.</summary>
    Model,

    /// <summary>The original continuation was judged better.</summary>
    Original,

    /// <summary>Both were judged equally good.</summary>
    Equal,
}
