namespace Hyperfit.Evaluation.Downstream;

/// <summary>The file layouts a benchmark folder may come in (docs/downstream.md lists the exact paths).</summary>
public static class DataLayout
{
    /// <summary>The official MMLU release: <c>{dev,val,test}/{subject}_{split}.csv</c>, no header.</summary>
    public const string HendrycksCsv = "hendrycks-csv";

    /// <summary>A Hugging Face export in Parquet (<c>cais/mmlu</c>, <c>nyu-mll/glue</c> as served by the Hub).</summary>
    public const string HfParquet = "hf-parquet";

    /// <summary>A Hugging Face export in JSONL (<c>Dataset.to_json</c>).</summary>
    public const string HfJsonl = "hf-jsonl";

    /// <summary>The original GLUE release: <c>{CoLA,SST-2,...}/{train,dev}.tsv</c>.</summary>
    public const string GlueTsv = "glue-tsv";

    /// <summary>Files of a Hugging Face export holding <paramref name="split"/> directly in <paramref name="folder"/>:
    /// <c>{split}-*.parquet</c> (the Hub's shards), <c>{split}.parquet</c>, <c>{split}.jsonl</c>,
    /// <c>{split}-*.jsonl</c>, or the parquet-converter branch's <c>{split}/*.parquet</c>; sorted by name.</summary>
    internal static string[] HfSplitFiles(string folder, string split)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(f =>
            {
                var name = Path.GetFileName(f);
                var stem = Path.GetFileNameWithoutExtension(f);
                return HfExportReader.IsExport(f) && (stem == split || name.StartsWith(split + "-", StringComparison.Ordinal));
            })
            .ToList();
        var nested = Path.Combine(folder, split);
        if (Directory.Exists(nested))
        {
            files.AddRange(Directory.EnumerateFiles(nested).Where(HfExportReader.IsExport));
        }

        return [.. files.Order(StringComparer.Ordinal)];
    }

    /// <summary>"hf-parquet" or "hf-jsonl" after the files' extension (parquet wins when both occur).</summary>
    internal static string HfLayoutOf(IEnumerable<string> files) =>
        files.Any(f => f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)) ? HfParquet : HfJsonl;
}
