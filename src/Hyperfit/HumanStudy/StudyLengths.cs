using System.Globalization;

namespace Hyperfit.HumanStudy;

/// <summary>§4's two length scenarios: 256 tokens (32 context + the 224 generated tokens, compared with the 224 original
/// ones) and 128 tokens (the first 96 tokens of each continuation).</summary>
public static class StudyLengths
{
    public const int Tokens128 = 128;

    public const int Tokens256 = 256;

    public static readonly IReadOnlyList<int> Both = [Tokens128, Tokens256];

    /// <summary>Continuation tokens shown in a scenario: 96 for 128, 224 for 256.</summary>
    public static int ContinuationTokens(int length) => length switch
    {
        Tokens128 => 96,
        Tokens256 => 224,
        _ => throw new ArgumentOutOfRangeException(nameof(length), length, string.Create(CultureInfo.InvariantCulture,
            $"lengths: {length} is not a length scenario of the study (128 or 256)")),
    };
}
