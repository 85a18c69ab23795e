using System.Globalization;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>MMLU questions from a local folder, by subject: the evaluated split (test, or validation) and the dev
/// split the few-shot examples come from. Nothing is downloaded. Layouts (docs/downstream.md): the official release
/// (<c>test/{subject}_test.csv</c>, <c>dev/{subject}_dev.csv</c>, <c>val/{subject}_val.csv</c>; six columns, no
/// header: question, A, B, C, D, answer letter), or a Hugging Face export of <c>cais/mmlu</c> (Parquet or JSONL with
/// columns question, subject, choices (four texts), answer (0–3)), either in per-subject folders or one <c>all</c>
/// folder.</summary>
public sealed class MmluDataset
{
    /// <summary>Splits that can be evaluated; the official code evaluates <c>test</c>.</summary>
    public static readonly IReadOnlyList<string> EvaluationSplits = ["test", "validation"];

    private readonly Dictionary<string, IReadOnlyList<MmluQuestion>> _questions;
    private readonly Dictionary<string, IReadOnlyList<MmluQuestion>> _dev;

    private MmluDataset(string directory, string layout, string split, Dictionary<string, IReadOnlyList<MmluQuestion>> questions,
        Dictionary<string, IReadOnlyList<MmluQuestion>> dev)
    {
        Directory = directory;
        Layout = layout;
        Split = split;
        _questions = questions;
        _dev = dev;
        Subjects = [.. questions.Keys.Order(StringComparer.Ordinal)];
    }

    public string Directory { get; }

    /// <summary><see cref="DataLayout"/>: hendrycks-csv, hf-parquet or hf-jsonl.</summary>
    public string Layout { get; }

    public string Split { get; }

    /// <summary>Subjects in ordinal order (the official code sorts the file names).</summary>
    public IReadOnlyList<string> Subjects { get; }

    /// <summary>The evaluated questions of a subject, in file order.</summary>
    public IReadOnlyList<MmluQuestion> Questions(string subject) => _questions[subject];

    /// <summary>The dev questions of a subject in file order (empty when no shots were asked for).</summary>
    public IReadOnlyList<MmluQuestion> Dev(string subject) => _dev.GetValueOrDefault(subject) ?? [];

    public int QuestionCount => _questions.Values.Sum(q => q.Count);

    /// <param name="directory">The data folder (or its <c>data/</c> parent for the official release).</param>
    /// <param name="split">test or validation.</param>
    /// <param name="maxShots">The most few-shot examples any run needs: every subject must have that many dev questions.</param>
    /// <exception cref="InvalidDataException">Missing folder or files, wrong columns or types, an answer outside A–D:
    /// one line naming the file.</exception>
    public static MmluDataset Load(string directory, string split = "test", int maxShots = 0)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!EvaluationSplits.Contains(split))
        {
            throw new ArgumentException($"MMLU split must be test or validation (got '{split}')", nameof(split));
        }

        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: MMLU data folder not found");
        }

        var csvRoot = new[] { directory, Path.Combine(directory, "data") }
            .FirstOrDefault(root => System.IO.Directory.Exists(Path.Combine(root, CsvFolder(split))));
        var (layout, questions, dev) = csvRoot is not null
            ? LoadCsv(csvRoot, split, maxShots)
            : LoadExport(directory, split, maxShots);
        return new MmluDataset(directory, layout, split, questions, dev);
    }

    // ================================================================ official CSV release

    private static string CsvFolder(string split) => split switch { "validation" => "val", _ => split };

    private static (string, Dictionary<string, IReadOnlyList<MmluQuestion>>, Dictionary<string, IReadOnlyList<MmluQuestion>>) LoadCsv(
        string root, string split, int maxShots)
    {
        var folder = CsvFolder(split);
        var suffix = $"_{folder}.csv";
        var testDir = Path.Combine(root, folder);
        var files = System.IO.Directory.EnumerateFiles(testDir, "*" + suffix).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            throw new InvalidDataException($"{testDir}: no *{suffix} files (the official MMLU layout is {folder}/{{subject}}{suffix})");
        }

        var questions = new Dictionary<string, IReadOnlyList<MmluQuestion>>(StringComparer.Ordinal);
        var dev = new Dictionary<string, IReadOnlyList<MmluQuestion>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var subject = Path.GetFileName(file)[..^suffix.Length];
            questions[subject] = ReadCsv(file, subject);
            if (maxShots > 0)
            {
                var devFile = Path.Combine(root, "dev", subject + "_dev.csv");
                if (!File.Exists(devFile))
                {
                    throw new InvalidDataException($"{devFile}: missing (the dev split gives the few-shot examples of subject {subject})");
                }

                dev[subject] = CheckShots(ReadCsv(devFile, subject), devFile, subject, maxShots);
            }
        }

        return (DataLayout.HendrycksCsv, questions, dev);
    }

    private static MmluQuestion[] ReadCsv(string path, string subject)
    {
        var rows = CsvTable.Read(path);
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{path}: no questions");
        }

        return [.. rows.Select(row =>
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{path}:{row.Line}");
            if (row.Cells.Length != 6)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{where}: expected 6 columns (question, A, B, C, D, answer), found {row.Cells.Length}"));
            }

            var answer = row.Cells[5];
            var index = IndexOfLetter(answer);
            if (index < 0)
            {
                throw new InvalidDataException($"{where}: answer '{answer}' is not one of A, B, C, D");
            }

            return new MmluQuestion(subject, row.Cells[0], row.Cells[1..5], index, where);
        })];
    }

    private static int IndexOfLetter(string letter)
    {
        for (var i = 0; i < MmluQuestion.Letters.Count; i++)
        {
            if (string.Equals(letter, MmluQuestion.Letters[i], StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    // ================================================================ Hugging Face export (cais/mmlu)

    private static (string, Dictionary<string, IReadOnlyList<MmluQuestion>>, Dictionary<string, IReadOnlyList<MmluQuestion>>) LoadExport(
        string directory, string split, int maxShots)
    {
        // cais/mmlu holds every subject twice: in its own folder and in all/. Read all/ alone when it is there.
        var all = Path.Combine(directory, "all");
        var folders = DataLayout.HfSplitFiles(all, split).Length > 0
            ? [all]
            : new[] { directory }.Concat(System.IO.Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal)).ToArray();
        var evalFiles = folders.SelectMany(f => DataLayout.HfSplitFiles(f, split)).ToArray();
        if (evalFiles.Length == 0)
        {
            throw new InvalidDataException(
                $"{directory}: no MMLU {split} files (expected the official {CsvFolder(split)}/{{subject}}_{CsvFolder(split)}.csv, " +
                $"or a Hugging Face export: {split}-*.parquet, {split}.parquet or {split}.jsonl, alone or in subject folders)");
        }

        var questions = Group(evalFiles.SelectMany(f => ReadExport(f, directory)));
        var dev = new Dictionary<string, IReadOnlyList<MmluQuestion>>(StringComparer.Ordinal);
        if (maxShots > 0)
        {
            var devFiles = folders.SelectMany(f => DataLayout.HfSplitFiles(f, "dev")).ToArray();
            var devQuestions = Group(devFiles.SelectMany(f => ReadExport(f, directory)));
            foreach (var subject in questions.Keys)
            {
                if (!devQuestions.TryGetValue(subject, out var shots))
                {
                    var where = devFiles.Length == 0 ? Path.Combine(folders[0], "dev-*.parquet") : string.Join(", ", devFiles.Select(Path.GetFileName));
                    throw new InvalidDataException($"{where}: no dev questions for subject {subject} (the dev split gives the few-shot examples)");
                }

                dev[subject] = CheckShots(shots, shots[0].Source, subject, maxShots);
            }
        }

        return (DataLayout.HfLayoutOf(evalFiles), questions, dev);
    }

    private static Dictionary<string, IReadOnlyList<MmluQuestion>> Group(IEnumerable<MmluQuestion> questions) =>
        questions.GroupBy(q => q.Subject, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<MmluQuestion>)g.ToArray(), StringComparer.Ordinal);

    private static IEnumerable<MmluQuestion> ReadExport(string path, string root)
    {
        var rows = HfExportReader.Read(path);
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{path}: no questions");
        }

        // The subject column (cais/mmlu has one); older exports without it live in a folder named after the subject
        // ({subject}/test-*.parquet, or {subject}/test/0000.parquet on the parquet-converter branch).
        var parent = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (SplitNames.Contains(Path.GetFileName(parent)))
        {
            parent = Path.GetDirectoryName(parent)!;
        }

        var folder = Path.GetFileName(parent);
        var folderIsSubject = !string.Equals(parent, Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)), StringComparison.Ordinal)
                              && folder != "all";
        foreach (var row in rows)
        {
            var subject = row.Has("subject") ? row.Text("subject") : null;
            if (string.IsNullOrEmpty(subject))
            {
                subject = folderIsSubject
                    ? folder
                    : throw new InvalidDataException($"{row.Where}: no 'subject' column and the file is not in a subject folder");
            }

            var choices = row.TextList("choices");
            if (choices.Count != 4)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Where}: column 'choices' has {choices.Count} entries; MMLU questions have 4 (A–D)"));
            }

            var answer = row.Integer("answer");
            if (answer is < 0 or > 3)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Where}: answer {answer} is outside 0–3 (A–D)"));
            }

            yield return new MmluQuestion(subject, row.Text("question"), choices, answer, row.Where);
        }
    }

    private static readonly HashSet<string> SplitNames = ["test", "validation", "dev", "auxiliary_train"];

    private static IReadOnlyList<MmluQuestion> CheckShots(IReadOnlyList<MmluQuestion> dev, string where, string subject, int maxShots) =>
        dev.Count >= maxShots
            ? dev
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{where}: subject {subject} has {dev.Count} dev questions, fewer than the {maxShots} shots asked for"));
}
