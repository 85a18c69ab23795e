using System.Text.Json;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>The results of one <c>hyperfit downstream</c> run: the benchmark, how it was scored and against which
/// reference, and every model's runs. Written as JSON (<see cref="DownstreamJsonContext"/>) with a Markdown rendering
/// beside it.</summary>
/// <param name="Benchmark">mmlu or glue.</param>
/// <param name="Scoring">official, harness or generate — every number depends on it.</param>
/// <param name="Reference">The implementation and version the prompts and scoring follow.</param>
/// <param name="Layout">The data layout read (for GLUE, per task in <paramref name="Tasks"/> order, comma-separated).</param>
/// <param name="Split">The evaluated split (MMLU test or validation; GLUE dev: validation, MNLI validation_matched).</param>
/// <param name="Tasks">GLUE tasks run; null for MMLU.</param>
/// <param name="MaxLength">Longest prompt allowed; null: each model's max positions.</param>
/// <param name="Seed">GLUE shot sampling seed; null for MMLU (its shots are the first dev questions).</param>
/// <param name="GenerateTokens">Generate mode's tokens per answer; null in the other modes.</param>
/// <param name="Limit">Questions per subject or task when limited; null: all.</param>
public sealed record DownstreamReport(
    string Benchmark, string Scoring, string Reference, string Data, string Layout, string Split, IReadOnlyList<int> Shots,
    IReadOnlyList<string>? Tasks, int? MaxLength, long? Seed, int? GenerateTokens, int? Limit, IReadOnlyList<DownstreamModelResult> Models)
{
    /// <summary>The Markdown file beside a results file: <c>x.json</c> → <c>x.md</c>.</summary>
    public static string MarkdownPath(string jsonPath) => Path.ChangeExtension(jsonPath, ".md");

    /// <summary>The predictions file beside a results file: <c>x.json</c> → <c>x.predictions.jsonl</c>.</summary>
    public static string PredictionsPath(string jsonPath) => Path.ChangeExtension(jsonPath, ".predictions.jsonl");

    public string ToJson() => JsonSerializer.Serialize(this, DownstreamJsonContext.Default.DownstreamReport);

    /// <exception cref="InvalidDataException">Not a downstream report (unknown or missing members, wrong types).</exception>
    public static DownstreamReport FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize(json, DownstreamJsonContext.Default.DownstreamReport)
                   ?? throw new InvalidDataException($"{source}: empty downstream report");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a downstream report ({e.Message})", e);
        }
    }

    public static DownstreamReport Read(string path) => FromJson(File.ReadAllText(path), path);

    /// <summary>Writes the JSON, the Markdown beside it and, when given, the predictions; each file atomically.</summary>
    public void Write(string jsonPath, IEnumerable<DownstreamPrediction>? predictions = null)
    {
        ArgumentNullException.ThrowIfNull(jsonPath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
        Directory.CreateDirectory(directory);
        WriteAtomically(jsonPath, ToJson() + "\n");
        WriteAtomically(MarkdownPath(jsonPath), DownstreamMarkdown.Render(this));
        if (predictions is not null)
        {
            WriteAtomically(PredictionsPath(jsonPath), string.Concat(predictions.Select(p =>
                JsonSerializer.Serialize(p, DownstreamJsonContext.Compact.DownstreamPrediction) + "\n")));
        }
    }

    private static void WriteAtomically(string path, string text)
    {
        var temp = $"{path}.tmp-{Environment.ProcessId}";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
