using Hyperfit.Evaluation.Downstream;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.Evaluation.Downstream;

public sealed class GlueDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Layouts() => new(DownstreamFiles.GlueLayouts);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Should_read_every_task_from_every_layout(string layout)
    {
        // Given all seven tasks written in one layout
        DownstreamFiles.WriteGlue(_dir.Path, layout);

        foreach (var task in GlueTask.All)
        {
            // When a task is read with its training split
            var data = GlueDataset.Load(_dir.Path, task, withTrain: true);

            // Then texts and labels are as written (MNLI/QNLI/RTE TSV labels as words map to the HF indices)
            var dev = DownstreamFiles.GlueDev(task);
            Assert.Equal(dev.Select(e => (e.Text1, e.Text2, e.Label)), data.Validation.Select(e => (e.Text1, e.Text2, e.Label)));
            Assert.Equal([0, 0, 0, 1, 0, 0, 0, 1], data.Train.Select(e => e.Label));
            Assert.Equal(layout == "tsv" ? DataLayout.GlueTsv : layout == "parquet" ? DataLayout.HfParquet : DataLayout.HfJsonl, data.Layout);
        }
    }

    private static string ErrorOf(Action load)
    {
        var e = Assert.ThrowsAny<Exception>(load);
        Assert.True(e is InvalidDataException or DirectoryNotFoundException, e.GetType().Name);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void Should_name_the_file_and_problem_for_bad_input()
    {
        // Nothing there
        Assert.Contains("no rte dev split found", ErrorOf(() => GlueDataset.Load(_dir.Path, GlueTask.Rte, false)), StringComparison.Ordinal);

        // A test split (label −1) given as dev
        DownstreamFiles.WriteGlueExport(_dir.Path, GlueTask.Rte, "validation", [new("a", "b", 0, ""), new("c", "d", -1, "")], parquet: false);
        Assert.Contains("validation.jsonl:2: label -1 is outside rte's range 0–1 (test splits carry no labels", ErrorOf(() => GlueDataset.Load(_dir.Path, GlueTask.Rte, false)), StringComparison.Ordinal);

        // A label outside MNLI's three classes in Parquet
        DownstreamFiles.WriteGlueExport(_dir.Path, GlueTask.Mnli, "validation_matched", [new("a", "b", 3, "")], parquet: true);
        Assert.Contains("validation_matched-00000-of-00001.parquet: row 1: label 3 is outside mnli's range 0–2", ErrorOf(() => GlueDataset.Load(_dir.Path, GlueTask.Mnli, false)), StringComparison.Ordinal);

        // A missing training split when shots are asked for
        DownstreamFiles.WriteGlueExport(_dir.Path, GlueTask.Sst2, "validation", [new("good", null, 1, "")], parquet: true);
        Assert.Contains("train-*.parquet: missing (the training split gives the few-shot examples of sst2)", ErrorOf(() => GlueDataset.Load(_dir.Path, GlueTask.Sst2, true)), StringComparison.Ordinal);

        // A wrong column name in an export
        File.WriteAllText(Path.Combine(_dir.Path, "sst2", "validation-00000-of-00001.parquet"), "");
        Directory.CreateDirectory(Path.Combine(_dir.Path, "qqp"));
        File.WriteAllText(Path.Combine(_dir.Path, "qqp", "validation.jsonl"), """{"question1": "a", "q2": "b", "label": 0}""" + "\n");
        Assert.Contains("validation.jsonl:1: no column 'question2'", ErrorOf(() => GlueDataset.Load(_dir.Path, GlueTask.Qqp, false)), StringComparison.Ordinal);

        // TSVs: an unknown label word, a missing header column, too few columns
        Directory.CreateDirectory(Path.Combine(_dir.Path, "QNLI"));
        File.WriteAllText(Path.Combine(_dir.Path, "QNLI", "dev.tsv"), "index\tquestion\tsentence\tlabel\n0\tq\ts\tmaybe\n");
        Assert.Contains("dev.tsv:2: label 'maybe' is not one of entailment, not_entailment", ErrorOf(() => GlueDataset.Load(_dir.Path, GlueTask.Qnli, false)), StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir.Path, "QNLI", "dev.tsv"), "index\tquestion\ttext\tlabel\n");
        Assert.Contains("dev.tsv:1: no column 'sentence' in the header", ErrorOf(() => GlueDataset.Load(_dir.Path, GlueTask.Qnli, false)), StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_dir.Path, "CoLA"));
        File.WriteAllText(Path.Combine(_dir.Path, "CoLA", "dev.tsv"), "gj04\t1\n");
        Assert.Contains("dev.tsv:1: 2 tab-separated columns, cola needs at least 4", ErrorOf(() => GlueDataset.Load(_dir.Path, GlueTask.Cola, false)), StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir.Path, "CoLA", "dev.tsv"), "gj04\tx\t\tA sentence.\n");
        Assert.Contains("dev.tsv:1: label 'x' is not an integer", ErrorOf(() => GlueDataset.Load(_dir.Path, GlueTask.Cola, false)), StringComparison.Ordinal);
    }
}
