namespace Hyperfit.Evaluation.Downstream;

/// <summary>A GLUE task as lm-evaluation-harness poses it to a causal LM (its <c>lm_eval/tasks/glue/*/default.yaml</c>):
/// the prompt, the answer words (in label order), the dev split and the metrics; plus where the Hugging Face export
/// (<c>nyu-mll/glue</c>) and the original TSV release keep the texts and labels.</summary>
public sealed record GlueTask
{
    public required string Name { get; init; }

    /// <summary>Answer words indexed by label, e.g. CoLA 0 = "no" (unacceptable), 1 = "yes".</summary>
    public required IReadOnlyList<string> Choices { get; init; }

    /// <summary>The harness's <c>doc_to_text</c>: the example without its answer, ending in "Answer:".</summary>
    public required Func<GlueExample, string> Prompt { get; init; }

    /// <summary>The evaluated split (dev; test labels are not public): validation, or validation_matched for MNLI.</summary>
    public string ValidationSplit { get; init; } = "validation";

    /// <summary>Columns of the Hugging Face export: the first (and second) text.</summary>
    public required IReadOnlyList<string> HfColumns { get; init; }

    /// <summary>The task's folder in the original GLUE release, e.g. "SST-2".</summary>
    public required string TsvFolder { get; init; }

    /// <summary>The dev file of the original release (MNLI: dev_matched.tsv).</summary>
    public string TsvDevFile { get; init; } = "dev.tsv";

    /// <summary>Header names of the texts in the original TSVs; null: the file has no header (CoLA) and
    /// <see cref="TsvColumnIndexes"/> applies.</summary>
    public IReadOnlyList<string>? TsvColumns { get; init; }

    public string? TsvLabelColumn { get; init; }

    /// <summary>Headerless TSV (CoLA): text column(s) then the label column, by position.</summary>
    public IReadOnlyList<int>? TsvColumnIndexes { get; init; }

    public int TsvLabelIndex { get; init; }

    /// <summary>Label words of the original TSVs (MNLI, QNLI, RTE); null: the label is written as its number.</summary>
    public IReadOnlyDictionary<string, int>? TsvLabelWords { get; init; }

    /// <summary>Whether the harness reports F1 (positive label 1) and Matthews correlation for this task; accuracy is
    /// always reported.</summary>
    public bool ReportsF1 { get; init; }

    public bool ReportsMcc { get; init; }

    private static readonly Dictionary<string, int> Nli3 = new(StringComparer.Ordinal) { ["entailment"] = 0, ["neutral"] = 1, ["contradiction"] = 2 };
    private static readonly Dictionary<string, int> Nli2 = new(StringComparer.Ordinal) { ["entailment"] = 0, ["not_entailment"] = 1 };

    public static readonly GlueTask Cola = new()
    {
        Name = "cola", Choices = ["no", "yes"], ReportsMcc = true,
        Prompt = e => $"{e.Text1}\nQuestion: Does this sentence make sense?\nAnswer:",
        HfColumns = ["sentence"], TsvFolder = "CoLA", TsvColumnIndexes = [3], TsvLabelIndex = 1,
    };

    public static readonly GlueTask Sst2 = new()
    {
        Name = "sst2", Choices = ["negative", "positive"],
        Prompt = e => $"{e.Text1}\nQuestion: Is this sentence positive or negative?\nAnswer:",
        HfColumns = ["sentence"], TsvFolder = "SST-2", TsvColumns = ["sentence"], TsvLabelColumn = "label",
    };

    public static readonly GlueTask Mrpc = new()
    {
        Name = "mrpc", Choices = ["no", "yes"], ReportsF1 = true,
        Prompt = e => $"Sentence 1: {e.Text1}\nSentence 2: {e.Text2}\nQuestion: Do both sentences mean the same thing?\nAnswer:",
        HfColumns = ["sentence1", "sentence2"], TsvFolder = "MRPC", TsvColumns = ["#1 String", "#2 String"], TsvLabelColumn = "Quality",
    };

    public static readonly GlueTask Qqp = new()
    {
        Name = "qqp", Choices = ["no", "yes"], ReportsF1 = true,
        Prompt = e => $"Question 1: {e.Text1}\nQuestion 2: {e.Text2}\nQuestion: Do both questions ask the same thing?\nAnswer:",
        HfColumns = ["question1", "question2"], TsvFolder = "QQP", TsvColumns = ["question1", "question2"], TsvLabelColumn = "is_duplicate",
    };

    public static readonly GlueTask Mnli = new()
    {
        Name = "mnli", Choices = ["True", "Neither", "False"], ValidationSplit = "validation_matched",
        // The harness's utils.doc_to_text: the hypothesis stripped and ended with a full stop.
        Prompt = e =>
        {
            var hypothesis = PromptFormat.PythonStrip(e.Text2!);
            return $"{e.Text1}\nQuestion: {hypothesis}{(hypothesis.EndsWith('.') ? "" : ".")} True, False or Neither?\nAnswer:";
        },
        HfColumns = ["premise", "hypothesis"], TsvFolder = "MNLI", TsvDevFile = "dev_matched.tsv",
        TsvColumns = ["sentence1", "sentence2"], TsvLabelColumn = "gold_label", TsvLabelWords = Nli3,
    };

    public static readonly GlueTask Qnli = new()
    {
        Name = "qnli", Choices = ["yes", "no"],
        Prompt = e => $"{e.Text1}\n{e.Text2}\nQuestion: Does this response answer the question?\nAnswer:",
        HfColumns = ["question", "sentence"], TsvFolder = "QNLI", TsvColumns = ["question", "sentence"], TsvLabelColumn = "label",
        TsvLabelWords = Nli2,
    };

    public static readonly GlueTask Rte = new()
    {
        Name = "rte", Choices = ["True", "False"],
        Prompt = e => $"{e.Text1}\nQuestion: {e.Text2} True or False?\nAnswer:",
        HfColumns = ["sentence1", "sentence2"], TsvFolder = "RTE", TsvColumns = ["sentence1", "sentence2"], TsvLabelColumn = "label",
        TsvLabelWords = Nli2,
    };

    /// <summary>The seven tasks of the paper's Table 8, in its order.</summary>
    public static readonly IReadOnlyList<GlueTask> All = [Cola, Mnli, Mrpc, Qnli, Qqp, Rte, Sst2];

    /// <exception cref="ArgumentException">An unknown task name.</exception>
    public static GlueTask Get(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown GLUE task '{name}' (known: {string.Join(", ", All.Select(t => t.Name))})");
}
