using Hyperfit.Evaluation.Downstream;
using Hyperfit.Tests.Checkpoints;
using Parquet.Schema;

namespace Hyperfit.Tests.Evaluation.Downstream;

public sealed class MmluDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Layouts() => new(DownstreamFiles.MmluLayouts);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Should_read_the_same_questions_from_every_layout(string layout)
    {
        // Given the sample in one layout
        var data = MmluDataset.Load(DownstreamFiles.WriteMmlu(_dir.Path, layout), maxShots: 2);

        // Then subjects are sorted, questions and dev questions are in file order with answers as indices
        Assert.Equal(["elementary_mathematics", "world_religions"], data.Subjects);
        Assert.Equal(4, data.QuestionCount);
        var questions = data.Questions("elementary_mathematics");
        Assert.Equal(DownstreamFiles.Test.Select(q => (q.Question, string.Join("|", q.Choices), q.Answer)),
            questions.Select(q => (q.Question, string.Join("|", q.Choices), q.Answer)));
        Assert.Equal(DownstreamFiles.OtherDev.Select(q => q.Question), data.Dev("world_religions").Select(q => q.Question));
        Assert.Equal(layout.StartsWith("csv", StringComparison.Ordinal) ? DataLayout.HendrycksCsv
            : layout.StartsWith("parquet", StringComparison.Ordinal) ? DataLayout.HfParquet : DataLayout.HfJsonl, data.Layout);
    }

    [Fact]
    public void Should_read_the_validation_split_of_the_official_release_from_val()
    {
        DownstreamFiles.WriteCsv(Path.Combine(_dir.Path, "val", "anatomy_val.csv"), [DownstreamFiles.Test[1] with { Subject = "anatomy" }]);
        var data = MmluDataset.Load(_dir.Path, "validation");
        Assert.Equal(["anatomy"], data.Subjects);
    }

    [Fact]
    public void Should_parse_quoted_csv_cells_like_pandas()
    {
        // Given cells with commas, doubled quotes and a line break inside quotes, CRLF line ends and a blank line
        Directory.CreateDirectory(Path.Combine(_dir.Path, "test"));
        File.WriteAllText(Path.Combine(_dir.Path, "test", "x_test.csv"),
            "\"Two\nlines, and \"\"quotes\"\"\",a,b,\"c,d\",,A\r\n\r\nplain,1,2,3,4,D\r\n");

        // When it is read
        var questions = MmluDataset.Load(_dir.Path).Questions("x");

        // Then the cells are as written
        Assert.Equal("Two\nlines, and \"quotes\"", questions[0].Question);
        Assert.Equal(["a", "b", "c,d", ""], questions[0].Choices);
        Assert.Equal(3, questions[1].Answer);
        Assert.EndsWith("x_test.csv:4", questions[1].Source, StringComparison.Ordinal);
    }

    private static string ErrorOf(Action load)
    {
        var e = Assert.ThrowsAny<Exception>(load);
        Assert.True(e is InvalidDataException or DirectoryNotFoundException, e.GetType().Name);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void Should_name_the_file_and_problem_for_bad_official_files()
    {
        // Empty data folder, missing folder, empty test folder
        Assert.Contains("no MMLU test files", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);
        Assert.Contains("not found", ErrorOf(() => MmluDataset.Load(Path.Combine(_dir.Path, "nowhere"))), StringComparison.Ordinal);
        var test = Path.Combine(_dir.Path, "test");
        Directory.CreateDirectory(test);
        Assert.Contains("no *_test.csv files", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);

        // An answer outside A–D
        File.WriteAllText(Path.Combine(test, "a_test.csv"), "q,1,2,3,4,A\nq2,1,2,3,4,E\n");
        var message = ErrorOf(() => MmluDataset.Load(_dir.Path));
        Assert.Contains("a_test.csv:2: answer 'E' is not one of A, B, C, D", message, StringComparison.Ordinal);

        // Wrong number of columns
        File.WriteAllText(Path.Combine(test, "a_test.csv"), "q,1,2,3,A\n");
        Assert.Contains("a_test.csv:1: expected 6 columns (question, A, B, C, D, answer), found 5", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);

        // Unclosed quote
        File.WriteAllText(Path.Combine(test, "a_test.csv"), "\"q,1,2,3,4,A\n");
        Assert.Contains("a_test.csv:1: a quoted field is never closed", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);

        // An empty subject file
        File.WriteAllText(Path.Combine(test, "a_test.csv"), "\n");
        Assert.Contains("a_test.csv: no questions", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);

        // A missing dev file when shots are asked for, and too few dev questions
        File.WriteAllText(Path.Combine(test, "a_test.csv"), "q,1,2,3,4,A\n");
        Assert.Contains(Path.Combine("dev", "a_dev.csv") + ": missing", ErrorOf(() => MmluDataset.Load(_dir.Path, maxShots: 1)), StringComparison.Ordinal);
        DownstreamFiles.WriteCsv(Path.Combine(_dir.Path, "dev", "a_dev.csv"), DownstreamFiles.Dev);
        Assert.Contains("subject a has 2 dev questions, fewer than the 5 shots asked for", ErrorOf(() => MmluDataset.Load(_dir.Path, maxShots: 5)), StringComparison.Ordinal);
        Assert.Equal(2, MmluDataset.Load(_dir.Path, maxShots: 2).Dev("a").Count);
    }

    [Fact]
    public void Should_name_the_file_row_and_column_for_bad_exports()
    {
        var path = Path.Combine(_dir.Path, "test.jsonl");
        void Write(string line) => File.WriteAllText(path, line + "\n");

        Write("""{"question": "q", "subject": "s", "choices": ["a", "b", "c", "d"], "answer": 4}""");
        Assert.Contains("test.jsonl:1: answer 4 is outside 0–3 (A–D)", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);
        Write("""{"question": "q", "subject": "s", "choices": ["a", "b", "c", "d"], "answer": "B"}""");
        Assert.Contains("test.jsonl:1: column 'answer' holds text, expected an integer", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);
        Write("""{"question": "q", "subject": "s", "choices": ["a", "b", "c"], "answer": 1}""");
        Assert.Contains("column 'choices' has 3 entries", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);
        Write("""{"query": "q", "subject": "s", "choices": ["a", "b", "c", "d"], "answer": 1}""");
        Assert.Contains("test.jsonl:1: no column 'question'", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);
        Write("""{"question": "q", "choices": ["a", "b", "c", "d"], "answer": 1}""");
        Assert.Contains("no 'subject' column and the file is not in a subject folder", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);
        Write("not json");
        Assert.Contains("test.jsonl:1: invalid JSON", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);

        // A Parquet answer column of the wrong type
        File.Delete(path);
        DownstreamFiles.WriteParquet(Path.Combine(_dir.Path, "test-00000-of-00001.parquet"),
            new ParquetSchema(new DataField<string>("question"), new DataField<string>("subject"), new ListField("choices", new DataField<string>("element")), new DataField<double>("answer")),
            [new Dictionary<string, object?> { ["question"] = "q", ["subject"] = "s", ["choices"] = new List<ReadOnlyMemory<char>?> { "a".AsMemory(), "b".AsMemory(), "c".AsMemory(), "d".AsMemory() }, ["answer"] = 1.0 }]);
        Assert.Contains("test-00000-of-00001.parquet: row 1: column 'answer' holds a fractional number, expected an integer", ErrorOf(() => MmluDataset.Load(_dir.Path)), StringComparison.Ordinal);

        // Missing dev split of an export
        DownstreamFiles.WriteMmluJsonl(path, DownstreamFiles.Test, withSubject: true);
        File.Delete(Path.Combine(_dir.Path, "test-00000-of-00001.parquet"));
        Assert.Contains("no dev questions for subject elementary_mathematics", ErrorOf(() => MmluDataset.Load(_dir.Path, maxShots: 1)), StringComparison.Ordinal);
    }
}
