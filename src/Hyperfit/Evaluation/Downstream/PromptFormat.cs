using System.Text;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>The exact prompt texts. MMLU official: hendrycks/test <c>evaluate_hf.py</c>; MMLU harness and GLUE:
/// lm-evaluation-harness's task YAMLs (<c>mmlu/default/_default_template_yaml</c>, <c>glue/*/default.yaml</c>). A
/// few-shot example is its question text, a space, its answer and a blank line; the evaluated question ends in
/// "Answer:" (its answer is what gets scored). Versions matched: docs/downstream.md.</summary>
public static class PromptFormat
{
    private const string MmluIntro = "The following are multiple choice questions (with answers) about";

    /// <summary>Official header: <c>format_subject</c> puts a space before every underscore-separated word, and the
    /// template another one before that, so "abstract_algebra" reads "about  abstract algebra." (two spaces).</summary>
    public static string MmluOfficialHeader(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var sb = new StringBuilder(MmluIntro).Append(' ');
        foreach (var word in subject.Split('_'))
        {
            sb.Append(' ').Append(word);
        }

        return sb.Append(".\n\n").ToString();
    }

    /// <summary>Harness header (the task's <c>description</c>): one space, underscores replaced by spaces.</summary>
    public static string MmluHarnessHeader(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return $"{MmluIntro} {subject.Replace('_', ' ')}.\n\n";
    }

    /// <summary>A question without its answer: "question\nA. …\nB. …\nC. …\nD. …\nAnswer:". The harness strips the
    /// question (<c>question.strip()</c>); the official code does not.</summary>
    public static string MmluQuestionText(MmluQuestion question, bool stripQuestion)
    {
        ArgumentNullException.ThrowIfNull(question);
        var sb = new StringBuilder(stripQuestion ? PythonStrip(question.Question) : question.Question);
        for (var i = 0; i < question.Choices.Count; i++)
        {
            sb.Append('\n').Append(MmluQuestion.Letters[i]).Append(". ").Append(question.Choices[i]);
        }

        return sb.Append("\nAnswer:").ToString();
    }

    /// <summary>A solved example: its text, a space, the answer, a blank line (official <c>format_example</c> with the
    /// answer; the harness's target delimiter " " and few-shot delimiter "\n\n").</summary>
    public static string Shot(string questionText, string answer) => $"{questionText} {answer}\n\n";

    /// <summary>The MMLU prompt: header, the shots (the subject's first dev questions in file order), the question.
    /// Official scoring uses the official header and unstripped questions; harness and generate the harness's.</summary>
    public static string Mmlu(MmluQuestion question, IReadOnlyList<MmluQuestion> shots, DownstreamScoring scoring)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(shots);
        var official = scoring == DownstreamScoring.Official;
        var sb = new StringBuilder(official ? MmluOfficialHeader(question.Subject) : MmluHarnessHeader(question.Subject));
        foreach (var shot in shots)
        {
            sb.Append(Shot(MmluQuestionText(shot, stripQuestion: !official), MmluQuestion.Letters[shot.Answer]));
        }

        return sb.Append(MmluQuestionText(question, stripQuestion: !official)).ToString();
    }

    /// <summary>The GLUE prompt: the shots (no header), then the example.</summary>
    public static string Glue(GlueTask task, GlueExample example, IReadOnlyList<GlueExample> shots)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(shots);
        var sb = new StringBuilder();
        foreach (var shot in shots)
        {
            sb.Append(Shot(task.Prompt(shot), task.Choices[shot.Label]));
        }

        return sb.Append(task.Prompt(example)).ToString();
    }

    /// <summary>Python's <c>str.strip()</c>: removes leading and trailing characters for which <c>str.isspace()</c>
    /// holds — .NET's white space plus the separators U+001C–U+001F.</summary>
    public static string PythonStrip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonSpace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    internal static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';
}
