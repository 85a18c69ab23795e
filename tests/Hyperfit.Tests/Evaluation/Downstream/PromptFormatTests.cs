using Hyperfit.Evaluation.Downstream;
using Hyperfit.Tests.Checkpoints;

namespace Hyperfit.Tests.Evaluation.Downstream;

public sealed class PromptFormatTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Hand-written from hendrycks/test evaluate_hf.py: format_subject gives " elementary mathematics" (a space before
    // each word), so the header has two spaces after "about"; the question is not stripped.
    private const string Official0 =
        "The following are multiple choice questions (with answers) about  elementary mathematics.\n\n" +
        " What is 2 + 2? \nA. 3\nB. 4\nC. five, \"5\"\nD. 6\nAnswer:";

    private const string Official2 =
        "The following are multiple choice questions (with answers) about  elementary mathematics.\n\n" +
        "What is 1 + 1?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer: B\n\n" +
        "Which is even?\nA. 3\nB. 5\nC. 8\nD. 9\nAnswer: C\n\n" +
        " What is 2 + 2? \nA. 3\nB. 4\nC. five, \"5\"\nD. 6\nAnswer:";

    // Hand-written from lm-evaluation-harness mmlu/default: description with one space, question.strip(),
    // shots joined by target delimiter " " and few-shot delimiter "\n\n".
    private const string Harness0 =
        "The following are multiple choice questions (with answers) about elementary mathematics.\n\n" +
        "What is 2 + 2?\nA. 3\nB. 4\nC. five, \"5\"\nD. 6\nAnswer:";

    private const string Harness2 =
        "The following are multiple choice questions (with answers) about elementary mathematics.\n\n" +
        "What is 1 + 1?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer: B\n\n" +
        "Which is even?\nA. 3\nB. 5\nC. 8\nD. 9\nAnswer: C\n\n" +
        "What is 2 + 2?\nA. 3\nB. 4\nC. five, \"5\"\nD. 6\nAnswer:";

    public static TheoryData<string> MmluLayouts() => new(DownstreamFiles.MmluLayouts);

    [Theory]
    [MemberData(nameof(MmluLayouts))]
    public void Should_build_the_official_and_harness_MMLU_prompts_byte_for_byte_from_every_layout(string layout)
    {
        // Given the sample written in one accepted layout and loaded with 2 shots
        var data = MmluDataset.Load(DownstreamFiles.WriteMmlu(_dir.Path, layout), maxShots: 2);
        var question = data.Questions("elementary_mathematics")[0];
        var dev = data.Dev("elementary_mathematics");

        // When the prompts are built with 0 and 2 shots
        // Then they equal the hand-written texts exactly
        Assert.Equal(Official0, PromptFormat.Mmlu(question, [], DownstreamScoring.Official));
        Assert.Equal(Official2, PromptFormat.Mmlu(question, [.. dev.Take(2)], DownstreamScoring.Official));
        Assert.Equal(Harness0, PromptFormat.Mmlu(question, [], DownstreamScoring.Harness));
        Assert.Equal(Harness2, PromptFormat.Mmlu(question, [.. dev.Take(2)], DownstreamScoring.Harness));
        Assert.Equal(Harness2, PromptFormat.Mmlu(question, [.. dev.Take(2)], DownstreamScoring.Generate));
    }

    // Hand-written from the harness's glue/*/default.yaml doc_to_text (and mnli/utils.py) for the first dev example
    // of DownstreamFiles.GlueDev.
    public static TheoryData<string, string> GlueZeroShot() => new()
    {
        { "cola", "The book was on the table.\nQuestion: Does this sentence make sense?\nAnswer:" },
        { "sst2", "The book was on the table.\nQuestion: Is this sentence positive or negative?\nAnswer:" },
        { "mrpc", "Sentence 1: The cat sat on the mat.\nSentence 2: A cat was sitting\nQuestion: Do both sentences mean the same thing?\nAnswer:" },
        { "qqp", "Question 1: The cat sat on the mat.\nQuestion 2: A cat was sitting\nQuestion: Do both questions ask the same thing?\nAnswer:" },
        { "mnli", "The cat sat on the mat.\nQuestion: A cat was sitting. True, False or Neither?\nAnswer:" },
        { "qnli", "The cat sat on the mat.\nA cat was sitting\nQuestion: Does this response answer the question?\nAnswer:" },
        { "rte", "The cat sat on the mat.\nQuestion: A cat was sitting True or False?\nAnswer:" },
    };

    [Theory]
    [MemberData(nameof(GlueZeroShot))]
    public void Should_build_each_GLUE_zero_shot_prompt_byte_for_byte_from_every_layout(string taskName, string expected)
    {
        var task = GlueTask.Get(taskName);
        foreach (var layout in DownstreamFiles.GlueLayouts)
        {
            // Given the task written in one accepted layout
            var root = Path.Combine(_dir.Path, layout);
            DownstreamFiles.WriteGlue(root, layout, [task]);

            // When its first dev example's 0-shot prompt is built
            var data = GlueDataset.Load(root, task, withTrain: false);

            // Then it is the hand-written text
            Assert.Equal(expected, PromptFormat.Glue(task, data.Validation[0], []));
        }
    }

    [Fact]
    public void Should_build_two_shot_GLUE_prompts_with_the_answer_words_after_each_shot()
    {
        // Given RTE and MNLI examples and two shots each
        var rte = GlueTask.Rte;
        GlueExample[] rteShots = [new("It rained.", "The ground is wet.", 0, ""), new("It is noon.", "It is midnight.", 1, "")];
        var mnli = GlueTask.Mnli;
        GlueExample[] mnliShots = [new("A man sleeps.", "  A person rests ", 0, ""), new("A dog barks.", "The cat is asleep.", 2, "")];

        // When the prompts are built
        var rtePrompt = PromptFormat.Glue(rte, new GlueExample("Bob ran.", "Bob moved.", 0, ""), rteShots);
        var mnliPrompt = PromptFormat.Glue(mnli, new GlueExample("Kids play.", "Children are outside", 1, ""), mnliShots);

        // Then each shot is its text, " " + its answer word, a blank line; the MNLI hypothesis is stripped and ends in "."
        Assert.Equal(
            "It rained.\nQuestion: The ground is wet. True or False?\nAnswer: True\n\n" +
            "It is noon.\nQuestion: It is midnight. True or False?\nAnswer: False\n\n" +
            "Bob ran.\nQuestion: Bob moved. True or False?\nAnswer:", rtePrompt);
        Assert.Equal(
            "A man sleeps.\nQuestion: A person rests. True, False or Neither?\nAnswer: True\n\n" +
            "A dog barks.\nQuestion: The cat is asleep. True, False or Neither?\nAnswer: False\n\n" +
            "Kids play.\nQuestion: Children are outside. True, False or Neither?\nAnswer:", mnliPrompt);
    }

    [Fact]
    public void Should_write_the_official_subject_with_a_space_before_every_word()
    {
        Assert.Equal("The following are multiple choice questions (with answers) about  high school us history.\n\n",
            PromptFormat.MmluOfficialHeader("high_school_us_history"));
        Assert.Equal("The following are multiple choice questions (with answers) about high school us history.\n\n",
            PromptFormat.MmluHarnessHeader("high_school_us_history"));
    }

    [Fact]
    public void Should_strip_what_python_strips()
    {
        // Python's str.strip() also removes the information separators U+001C–U+001F, and non-breaking spaces.
        Assert.Equal("a b", PromptFormat.PythonStrip("\u001c\t a b\u00a0\n\u001f"));
        Assert.Equal("", PromptFormat.PythonStrip(" \n "));
    }
}
