using System.Text.Json.Nodes;

namespace Hyperfit.Evaluation;

/// <summary>The result of an evaluation: <c>metrics.json</c> content and the Markdown table written beside it.</summary>
public sealed record EvaluationReport(JsonObject Metrics, string Markdown)
{
    /// <summary>Writes <paramref name="path"/> (JSON) and the same name with <c>.md</c>, each atomically (temp + rename).</summary>
    public void Write(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Checkpoints.HfModelSaver.WriteAtomically(full, Metrics.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        Checkpoints.HfModelSaver.WriteAtomically(MarkdownPath(full), Markdown);
    }

    /// <summary>metrics.json → metrics.md.</summary>
    public static string MarkdownPath(string path) => Path.ChangeExtension(path, ".md");
}
