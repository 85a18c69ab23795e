using System.Globalization;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>One GLUE task's dev examples (evaluated) and training examples (the few-shot pool), read from a local
/// folder holding one subfolder per task. Layouts (docs/downstream.md): a Hugging Face export of <c>nyu-mll/glue</c>
/// (<c>{task}/{split}-*.parquet</c>, <c>{split}.parquet</c> or <c>{split}.jsonl</c>, task folders named by their
/// config: cola, sst2, mrpc, qqp, mnli, qnli, rte) or the original release (<c>CoLA/dev.tsv</c>, <c>SST-2/train.tsv</c>,
/// <c>MNLI/dev_matched.tsv</c>, …). Nothing is downloaded.</summary>
public sealed class GlueDataset
{
    private GlueDataset(GlueTask task, string layout, string validationFile, IReadOnlyList<GlueExample> validation, IReadOnlyList<GlueExample> train)
    {
        Task = task;
        Layout = layout;
        ValidationFile = validationFile;
        Validation = validation;
        Train = train;
    }

    public GlueTask Task { get; }

    /// <summary><see cref="DataLayout"/>: hf-parquet, hf-jsonl or glue-tsv.</summary>
    public string Layout { get; }

    /// <summary>The dev file (the first one when the export is sharded), for messages.</summary>
    public string ValidationFile { get; }

    /// <summary>The dev examples in file order.</summary>
    public IReadOnlyList<GlueExample> Validation { get; }

    /// <summary>The training examples (empty when no shots were asked for).</summary>
    public IReadOnlyList<GlueExample> Train { get; }

    /// <param name="directory">The folder holding the task folders.</param>
    /// <param name="withTrain">Read the training split too (few-shot runs).</param>
    /// <exception cref="InvalidDataException">Missing folder or files, wrong columns or types, a label outside the
    /// task's range: one line naming the file.</exception>
    public static GlueDataset Load(string directory, GlueTask task, bool withTrain)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(task);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: GLUE data folder not found");
        }

        var hfFolder = FindFolder(directory, task.Name);
        var tsvFolder = FindFolder(directory, task.TsvFolder);
        if (hfFolder is not null && DataLayout.HfSplitFiles(hfFolder, task.ValidationSplit).Length > 0)
        {
            var validationFiles = DataLayout.HfSplitFiles(hfFolder, task.ValidationSplit);
            var validation = validationFiles.SelectMany(f => ReadExport(f, task)).ToArray();
            CheckNotEmpty(validation, validationFiles[0]);
            GlueExample[] train = [];
            if (withTrain)
            {
                var trainFiles = DataLayout.HfSplitFiles(hfFolder, "train");
                if (trainFiles.Length == 0)
                {
                    throw new InvalidDataException($"{Path.Combine(hfFolder, "train-*.parquet")}: missing (the training split gives the few-shot examples of {task.Name})");
                }

                train = [.. trainFiles.SelectMany(f => ReadExport(f, task))];
                CheckNotEmpty(train, trainFiles[0]);
            }

            return new GlueDataset(task, DataLayout.HfLayoutOf(validationFiles), validationFiles[0], validation, train);
        }

        if (tsvFolder is not null && File.Exists(Path.Combine(tsvFolder, task.TsvDevFile)))
        {
            var devFile = Path.Combine(tsvFolder, task.TsvDevFile);
            var validation = ReadTsv(devFile, task);
            GlueExample[] train = [];
            if (withTrain)
            {
                var trainFile = Path.Combine(tsvFolder, "train.tsv");
                if (!File.Exists(trainFile))
                {
                    throw new InvalidDataException($"{trainFile}: missing (the training split gives the few-shot examples of {task.Name})");
                }

                train = ReadTsv(trainFile, task);
            }

            return new GlueDataset(task, DataLayout.GlueTsv, devFile, validation, train);
        }

        var expected = $"{Path.Combine(directory, task.Name, task.ValidationSplit)}-*.parquet (or .jsonl), or {Path.Combine(directory, task.TsvFolder, task.TsvDevFile)}";
        throw new InvalidDataException($"{hfFolder ?? tsvFolder ?? directory}: no {task.Name} dev split found (expected {expected})");
    }

    private static string? FindFolder(string directory, string name) =>
        Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal)
            .FirstOrDefault(d => string.Equals(Path.GetFileName(d), name, StringComparison.OrdinalIgnoreCase));

    private static void CheckNotEmpty(IReadOnlyList<GlueExample> examples, string file)
    {
        if (examples.Count == 0)
        {
            throw new InvalidDataException($"{file}: no examples");
        }
    }

    private static IEnumerable<GlueExample> ReadExport(string path, GlueTask task)
    {
        var rows = HfExportReader.Read(path);
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{path}: no examples");
        }

        foreach (var row in rows)
        {
            var text1 = row.Text(task.HfColumns[0]);
            var text2 = task.HfColumns.Count > 1 ? row.Text(task.HfColumns[1]) : null;
            var label = row.Integer("label");
            yield return new GlueExample(text1, text2, CheckLabel(label, task, row.Where), row.Where);
        }
    }

    private static int CheckLabel(int label, GlueTask task, string where) =>
        label >= 0 && label < task.Choices.Count
            ? label
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{where}: label {label} is outside {task.Name}'s range 0–{task.Choices.Count - 1}{(label == -1 ? " (test splits carry no labels; use the dev split)" : "")}"));

    /// <summary>The original release's TSV: tab-separated, no quoting (as the GLUE loaders read it), a header line
    /// except for CoLA.</summary>
    private static GlueExample[] ReadTsv(string path, GlueTask task)
    {
        var lines = File.ReadAllLines(path);
        var examples = new List<GlueExample>(lines.Length);
        int[] textColumns;
        int labelColumn;
        var first = 0;
        if (task.TsvColumns is { } names)
        {
            if (lines.Length == 0)
            {
                throw new InvalidDataException($"{path}: empty file (expected a header line)");
            }

            var header = lines[0].Split('\t');
            int Column(string name)
            {
                var index = Array.IndexOf(header, name);
                return index >= 0
                    ? index
                    : throw new InvalidDataException($"{path}:1: no column '{name}' in the header (columns: {string.Join(", ", header)})");
            }

            textColumns = [.. names.Select(Column)];
            labelColumn = Column(task.TsvLabelColumn!);
            first = 1;
        }
        else
        {
            textColumns = [.. task.TsvColumnIndexes!];
            labelColumn = task.TsvLabelIndex;
        }

        var needed = Math.Max(textColumns.Max(), labelColumn) + 1;
        for (var i = first; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var where = string.Create(CultureInfo.InvariantCulture, $"{path}:{i + 1}");
            var cells = lines[i].Split('\t');
            if (cells.Length < needed)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{where}: {cells.Length} tab-separated columns, {task.Name} needs at least {needed}"));
            }

            var labelText = cells[labelColumn];
            int label;
            if (task.TsvLabelWords is { } words)
            {
                label = words.TryGetValue(labelText, out var l)
                    ? l
                    : throw new InvalidDataException($"{where}: label '{labelText}' is not one of {string.Join(", ", words.Keys)}");
            }
            else if (!int.TryParse(labelText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out label))
            {
                throw new InvalidDataException($"{where}: label '{labelText}' is not an integer");
            }

            examples.Add(new GlueExample(cells[textColumns[0]], textColumns.Length > 1 ? cells[textColumns[1]] : null,
                CheckLabel(label, task, where), where));
        }

        CheckNotEmpty(examples, path);
        return [.. examples];
    }
}
