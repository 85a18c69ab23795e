using System.Text.Json;
using Hyperfit.Checkpoints;

namespace Hyperfit.Evaluation;

/// <summary>The reader and writer of <c>metrics.json</c> (<see cref="EvaluationMetrics"/> through
/// <see cref="EvaluationJsonContext"/>) and of the Markdown table beside it (<see cref="EvaluationMarkdown"/>).</summary>
public static class MetricsFile
{
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not a metrics file (one line naming the file and the member).</exception>
    public static EvaluationMetrics Read(string path) => IO.StrictJson.Read(path, EvaluationJsonContext.Default.EvaluationMetrics);

    /// <summary>The metrics of a file, or null when it does not exist (a step that did not run).</summary>
    public static EvaluationMetrics? ReadIfExists(string path) => File.Exists(path) ? Read(path) : null;

    /// <summary>Writes <paramref name="path"/> (JSON) and <see cref="MarkdownPath"/>, each atomically (temp + rename).</summary>
    public static void Write(string path, EvaluationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(metrics);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        HfModelSaver.WriteAtomically(full, JsonSerializer.Serialize(metrics, EvaluationJsonContext.Default.EvaluationMetrics) + "\n");
        HfModelSaver.WriteAtomically(MarkdownPath(full), EvaluationMarkdown.Render(metrics));
    }

    /// <summary>metrics.json → metrics.md.</summary>
    public static string MarkdownPath(string path) => Path.ChangeExtension(path, ".md");
}
