using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Evaluation.Downstream;
using Hyperfit.Models;
using Hyperfit.Tokenization;
using Hyperfit.Tests.Models;
using Parquet.Schema;
using Parquet.Serialization;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Evaluation.Downstream;

/// <summary>Writes tiny MMLU and GLUE files in every accepted layout, and a tiny model folder with a real tokenizer.</summary>
internal static class DownstreamFiles
{
    /// <summary>Two dev and three test questions of one subject; the first test question has spaces around it (the
    /// harness strips them, the official code keeps them) and a choice with a comma and a quote (CSV quoting).</summary>
    public static readonly MmluQuestion[] Dev =
    [
        new("elementary_mathematics", "What is 1 + 1?", ["1", "2", "3", "4"], 1, ""),
        new("elementary_mathematics", "Which is even?", ["3", "5", "8", "9"], 2, ""),
    ];

    public static readonly MmluQuestion[] Test =
    [
        new("elementary_mathematics", " What is 2 + 2? ", ["3", "4", "five, \"5\"", "6"], 1, ""),
        new("elementary_mathematics", "What is 3 × 3?", ["6", "9", "12", "33"], 1, ""),
        new("elementary_mathematics", "What is 10 − 4?", ["6", "7", "4", "14"], 0, ""),
    ];

    public static readonly MmluQuestion[] OtherTest =
    [
        new("world_religions", "Which day is the Sabbath in Judaism?", ["Monday", "Friday", "Saturday", "Sunday"], 2, ""),
    ];

    public static readonly MmluQuestion[] OtherDev =
    [
        new("world_religions", "How many Gospels are in the New Testament?", ["2", "3", "4", "5"], 2, ""),
        new("world_religions", "In which city is the Kaaba?", ["Mecca", "Medina", "Cairo", "Jerusalem"], 0, ""),
    ];

    public static readonly string[] MmluLayouts = ["csv", "csv-data", "parquet-subjects", "parquet-all", "parquet-converter", "jsonl", "jsonl-subjects-no-subject-column"];

    /// <summary>The MMLU sample in one layout; returns the folder to pass as --data.</summary>
    public static string WriteMmlu(string root, string layout)
    {
        var splits = new Dictionary<string, MmluQuestion[]>
        {
            ["dev"] = [.. Dev, .. OtherDev],
            ["test"] = [.. Test, .. OtherTest],
        };
        switch (layout)
        {
            case "csv":
            case "csv-data":
                var csvRoot = layout == "csv" ? root : Path.Combine(root, "data");
                foreach (var (split, questions) in splits)
                {
                    foreach (var group in questions.GroupBy(q => q.Subject))
                    {
                        WriteCsv(Path.Combine(csvRoot, split, $"{group.Key}_{split}.csv"), group);
                    }
                }

                return root;
            case "parquet-subjects":
                foreach (var (split, questions) in splits)
                {
                    foreach (var group in questions.GroupBy(q => q.Subject))
                    {
                        WriteMmluParquet(Path.Combine(root, group.Key, $"{split}-00000-of-00001.parquet"), group);
                    }
                }

                return root;
            case "parquet-all":
                foreach (var (split, questions) in splits)
                {
                    WriteMmluParquet(Path.Combine(root, "all", $"{split}-00000-of-00001.parquet"), questions);
                    // cais/mmlu also has per-subject copies: they must not be read twice.
                    foreach (var group in questions.GroupBy(q => q.Subject))
                    {
                        WriteMmluParquet(Path.Combine(root, group.Key, $"{split}-00000-of-00001.parquet"), group);
                    }
                }

                return root;
            case "parquet-converter":
                // The Hub's parquet-converter branch: {subject}/{split}/0000.parquet.
                foreach (var (split, questions) in splits)
                {
                    foreach (var group in questions.GroupBy(q => q.Subject))
                    {
                        WriteMmluParquet(Path.Combine(root, group.Key, split, "0000.parquet"), group);
                    }
                }

                return root;
            case "jsonl":
                foreach (var (split, questions) in splits)
                {
                    WriteMmluJsonl(Path.Combine(root, $"{split}.jsonl"), questions, withSubject: true);
                }

                return root;
            case "jsonl-subjects-no-subject-column":
                foreach (var (split, questions) in splits)
                {
                    foreach (var group in questions.GroupBy(q => q.Subject))
                    {
                        WriteMmluJsonl(Path.Combine(root, group.Key, $"{split}.jsonl"), group, withSubject: false);
                    }
                }

                return root;
            default:
                throw new ArgumentException(layout);
        }
    }

    public static void WriteCsv(string path, IEnumerable<MmluQuestion> questions)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var sb = new StringBuilder();
        foreach (var q in questions)
        {
            sb.AppendJoin(',', new[] { q.Question }.Concat(q.Choices).Append(MmluQuestion.Letters[q.Answer]).Select(Quote)).Append('\n');
        }

        File.WriteAllText(path, sb.ToString());
    }

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n']) >= 0 || cell != cell.Trim() ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    public static void WriteMmluParquet(string path, IEnumerable<MmluQuestion> questions)
    {
        // The cais/mmlu schema: question (string), subject (string), choices (list<string>), answer (int64 class label).
        var schema = new ParquetSchema(new DataField<string>("question"), new DataField<string>("subject"),
            new ListField("choices", new DataField<string>("element")), new DataField<long>("answer"));
        WriteParquet(path, schema, questions.Select(q => new Dictionary<string, object?>
        {
            ["question"] = q.Question,
            ["subject"] = q.Subject,
            ["choices"] = q.Choices.Select(c => (ReadOnlyMemory<char>?)c.AsMemory()).ToList(),
            ["answer"] = (long)q.Answer,
        }));
    }

    public static void WriteMmluJsonl(string path, IEnumerable<MmluQuestion> questions, bool withSubject)
    {
        WriteJsonl(path, questions.Select(q =>
        {
            var row = new JsonObject { ["question"] = q.Question };
            if (withSubject)
            {
                row["subject"] = q.Subject;
            }

            row["choices"] = new JsonArray([.. q.Choices.Select(c => (JsonNode)c)]);
            row["answer"] = q.Answer;
            return row;
        }));
    }

    public static void WriteParquet(string path, ParquetSchema schema, IEnumerable<Dictionary<string, object?>> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        ParquetSerializer.SerializeUntypedAsync([.. rows.Cast<IDictionary<string, object?>>()], schema, stream).GetAwaiter().GetResult();
    }

    public static void WriteJsonl(string path, IEnumerable<JsonObject> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Concat(rows.Select(r => r.ToJsonString() + "\n")));
    }

    // ================================================================ GLUE

    /// <summary>A GLUE split in the Hugging Face layout: {task}/{split}-00000-of-00001.parquet or {task}/{split}.jsonl.</summary>
    public static void WriteGlueExport(string root, GlueTask task, string split, IEnumerable<GlueExample> examples, bool parquet)
    {
        var folder = Path.Combine(root, task.Name);
        if (parquet)
        {
            var fields = task.HfColumns.Select(c => (Field)new DataField<string>(c)).Append(new DataField<long>("label")).Append(new DataField<int>("idx"));
            WriteParquet(Path.Combine(folder, $"{split}-00000-of-00001.parquet"), new ParquetSchema([.. fields]), examples.Select((e, i) =>
            {
                var row = new Dictionary<string, object?> { [task.HfColumns[0]] = e.Text1, ["label"] = (long)e.Label, ["idx"] = i };
                if (task.HfColumns.Count > 1)
                {
                    row[task.HfColumns[1]] = e.Text2;
                }

                return row;
            }));
        }
        else
        {
            WriteJsonl(Path.Combine(folder, $"{split}.jsonl"), examples.Select((e, i) =>
            {
                var row = new JsonObject { [task.HfColumns[0]] = e.Text1 };
                if (task.HfColumns.Count > 1)
                {
                    row[task.HfColumns[1]] = e.Text2;
                }

                row["label"] = e.Label;
                row["idx"] = i;
                return row;
            }));
        }
    }

    /// <summary>A GLUE split in the original release's TSV layout ({CoLA,…}/{train,dev}.tsv), with the real headers.</summary>
    public static void WriteGlueTsv(string root, GlueTask task, string file, IEnumerable<GlueExample> examples)
    {
        var path = Path.Combine(root, task.TsvFolder, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var lines = new List<string>();
        var inv = CultureInfo.InvariantCulture;
        string Word(int label) => task.TsvLabelWords is { } words ? words.First(w => w.Value == label).Key : label.ToString(inv);
        var rows = examples.Select((e, i) => (e, i)).ToArray();
        switch (task.Name)
        {
            case "cola":
                lines.AddRange(rows.Select(r => $"gj04\t{r.e.Label}\t{(r.e.Label == 0 ? "*" : "")}\t{r.e.Text1}"));
                break;
            case "sst2":
                lines.Add("sentence\tlabel");
                lines.AddRange(rows.Select(r => $"{r.e.Text1}\t{r.e.Label}"));
                break;
            case "mrpc":
                lines.Add("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String");
                lines.AddRange(rows.Select(r => $"{r.e.Label}\t{100 + r.i}\t{200 + r.i}\t{r.e.Text1}\t{r.e.Text2}"));
                break;
            case "qqp":
                lines.Add("id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate");
                lines.AddRange(rows.Select(r => $"{r.i}\t{2 * r.i}\t{(2 * r.i) + 1}\t{r.e.Text1}\t{r.e.Text2}\t{r.e.Label}"));
                break;
            case "mnli":
                lines.Add("index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\tsentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label");
                lines.AddRange(rows.Select(r => $"{r.i}\t1\t1e\tfiction\t( x )\t( y )\t(ROOT x)\t(ROOT y)\t{r.e.Text1}\t{r.e.Text2}\t{Word(r.e.Label)}\t{Word(r.e.Label)}"));
                break;
            case "qnli":
                lines.Add("index\tquestion\tsentence\tlabel");
                lines.AddRange(rows.Select(r => $"{r.i}\t{r.e.Text1}\t{r.e.Text2}\t{Word(r.e.Label)}"));
                break;
            case "rte":
                lines.Add("index\tsentence1\tsentence2\tlabel");
                lines.AddRange(rows.Select(r => $"{r.i}\t{r.e.Text1}\t{r.e.Text2}\t{Word(r.e.Label)}"));
                break;
            default:
                throw new ArgumentException(task.Name);
        }

        File.WriteAllText(path, string.Join("\n", lines) + "\n");
    }

    /// <summary>Two dev examples per task (one text for CoLA and SST-2, two otherwise), labels within range.</summary>
    public static GlueExample[] GlueDev(GlueTask task) => task.HfColumns.Count == 1
        ? [new("The book was on the table.", null, task.Choices.Count - 1, ""), new("Table the on was book the.", null, 0, "")]
        : [new("The cat sat on the mat.", "A cat was sitting", 0, ""), new("He left early.", "He stayed until the end.", task.Choices.Count - 1, "")];

    public static readonly string[] GlueLayouts = ["parquet", "jsonl", "tsv"];

    /// <summary>Every task's dev split (and a training split with 3:1 labels) in one layout under <paramref name="root"/>.</summary>
    public static void WriteGlue(string root, string layout, IEnumerable<GlueTask>? tasks = null)
    {
        foreach (var task in tasks ?? GlueTask.All)
        {
            var dev = GlueDev(task);
            var train = GlueTrain(task);
            if (layout == "tsv")
            {
                WriteGlueTsv(root, task, task.TsvDevFile, dev);
                WriteGlueTsv(root, task, "train.tsv", train);
            }
            else
            {
                WriteGlueExport(root, task, task.ValidationSplit, dev, layout == "parquet");
                WriteGlueExport(root, task, "train", train, layout == "parquet");
            }
        }
    }

    /// <summary>Eight training examples: labels 0,0,0,1,0,0,0,1 (three quarters label 0).</summary>
    public static GlueExample[] GlueTrain(GlueTask task) =>
        [.. Enumerable.Range(0, 8).Select(i => new GlueExample($"Train sentence {i}.", task.HfColumns.Count > 1 ? $"Second text {i}" : null, i % 4 == 3 ? 1 : 0, ""))];

    // ================================================================ a tiny model with a real tokenizer

    private static readonly string[] Corpus =
    [
        "The following are multiple choice questions (with answers) about elementary mathematics.",
        "What is 1 + 1? Answer: A B C D. Question: Does this sentence make sense? yes no",
        "Is this sentence positive or negative? True, False or Neither? Do both sentences mean the same thing?",
        "the quick brown fox jumps over the lazy dog",
    ];

    /// <summary>A 1-layer Llama (hidden 16) around a byte-level BPE trained on a few prompt-like lines.</summary>
    public static string TinyModel(string directory, int seed = 1, int maxPositions = 512)
    {
        Directory.CreateDirectory(directory);
        var tokenizer = ByteLevelBpeTrainer.Train(Corpus, 256 + 40, ["<|endoftext|>"]);
        tokenizer.WriteTokenizerJson(Path.Combine(directory, "tokenizer.json"));
        var config = JsonNode.Parse("""
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 16, "intermediate_size": 32,
             "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 2, "rms_norm_eps": 1e-5,
             "rope_theta": 10000.0, "tie_word_embeddings": false, "hidden_act": "silu", "torch_dtype": "float32"}
            """)!.AsObject();
        config["vocab_size"] = tokenizer.VocabSize;
        config["max_position_embeddings"] = maxPositions;
        using var model = ModelRegistry.Build(ModelRegistry.ReadConfig(config), ModelOptions.Default);
        SeededWeights.Fill(model, seed, perturbation: 0.5); // spread the predictions so that answers differ

        HfModelSaver.Save(model, directory);
        return directory;
    }
}
