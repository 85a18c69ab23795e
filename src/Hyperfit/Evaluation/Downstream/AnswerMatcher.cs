namespace Hyperfit.Evaluation.Downstream;

/// <summary>Generate mode's parser: the first word of the generated text (up to its first line break) that equals an
/// answer word gives the prediction; none gives −1 (counted wrong). Words are runs of letters and digits. Answers of
/// several characters match case-insensitively ("Yes" = "yes"); single letters (MMLU's A–D) only as capitals, so the
/// article "a" is not read as answer A.</summary>
public static class AnswerMatcher
{
    /// <summary>The generated text up to its first line break: the answer line after "Answer:".</summary>
    public static string FirstLine(string generated)
    {
        ArgumentNullException.ThrowIfNull(generated);
        var newline = generated.IndexOfAny(['\n', '\r']);
        return newline < 0 ? generated : generated[..newline];
    }

    public static int Match(string generated, IReadOnlyList<string> choices)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(choices);
        var text = FirstLine(generated);
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }

            var word = text.AsSpan(start, i - start);
            for (var c = 0; c < choices.Count; c++)
            {
                var comparison = choices[c].Length == 1 ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
                if (word.Equals(choices[c], comparison))
                {
                    return c;
                }
            }
        }

        return -1;
    }
}
