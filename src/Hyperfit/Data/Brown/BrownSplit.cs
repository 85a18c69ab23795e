using System.Security.Cryptography;
using System.Text;

namespace Hyperfit.Data.Brown;

/// <summary>One held-out context set: how many texts to take from each genre.</summary>
/// <param name="Name">File stem suffix: <c>heldout-{Name}.jsonl</c>.</param>
public sealed record BrownHeldOutSet(string Name, IReadOnlyDictionary<char, int> TextsPerGenre);

/// <summary>The fixed split of the Brown Corpus by text (never by paragraph).</summary>
/// <param name="HeldOut">Held-out context sets, in file order.</param>
/// <param name="Seed">Salt of the selection order: within a genre, texts are ranked by the lower-case hex
/// SHA-256 of <c>"{Seed}:{id}"</c> (UTF-8), ties by id, and the first N are held out.</param>
/// <param name="MinChunkWords">Held-out texts are cut into chunks of whole consecutive paragraphs with at least
/// this many words each; a shorter tail is appended to the previous chunk.</param>
public sealed record BrownSplitPlan(IReadOnlyList<BrownHeldOutSet> HeldOut, string Seed, int MinChunkWords)
{
    /// <summary>Hyperfitting sets per type of data, written after the five split files (none by default).</summary>
    public IReadOnlyList<BrownGenreSet> HyperfitByGenre { get; init; } = [];

    /// <summary>The plan of the vendored data/brown files: 15 texts per held-out set (every fiction subgenre,
    /// all three press genres), cut into chunks of ≥ 220 words, which gives over 100 contexts per set; plus
    /// press (A–C) and learned (J) hyperfitting sets, §6.2's stand-ins for BBC News and Wikipedia.</summary>
    public static BrownSplitPlan Standard { get; } = new(
        [
            new("fiction", new Dictionary<char, int> { ['K'] = 3, ['L'] = 2, ['M'] = 2, ['N'] = 3, ['P'] = 3, ['R'] = 2 }),
            new("learned", new Dictionary<char, int> { ['J'] = 15 }),
            new("press", new Dictionary<char, int> { ['A'] = 8, ['B'] = 4, ['C'] = 3 }),
        ],
        Seed: "hyperfit-brown-v1",
        MinChunkWords: 220)
    {
        HyperfitByGenre = [new("press", ['A', 'B', 'C']), new("learned", ['J'])],
    };
}

/// <summary>The five sets of a split. Pretrain and hyperfit hold whole texts; held-out sets hold chunks.</summary>
public sealed record BrownSplitResult(
    IReadOnlyList<BrownDocument> Pretrain,
    IReadOnlyList<BrownDocument> Hyperfit,
    IReadOnlyList<(string Name, IReadOnlyList<BrownDocument> Texts)> HeldOut);

/// <summary>Splits Brown texts into pre-training (A–J), hyperfitting (K–R) and held-out context sets.</summary>
public static class BrownSplit
{
    /// <summary>The selection rank of a text id under a seed (see <see cref="BrownSplitPlan.Seed"/>).</summary>
    public static string RankKey(string seed, string id)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(id);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{id}")));
    }

    /// <summary>The held-out text ids of each set, in id order, chosen from <paramref name="ids"/>.</summary>
    /// <exception cref="ArgumentException">A genre has fewer texts than the plan holds out of it, or a genre is in two sets.</exception>
    public static IReadOnlyList<(string Name, IReadOnlyList<string> Ids)> SelectHeldOut(IEnumerable<string> ids, BrownSplitPlan plan)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(plan);
        var byGenre = ids.Distinct(StringComparer.Ordinal).GroupBy(BrownCorpus.GenreOf).ToDictionary(g => g.Key, g => g.ToList());
        var seen = new HashSet<char>();
        var result = new List<(string, IReadOnlyList<string>)>();
        foreach (var set in plan.HeldOut)
        {
            var chosen = new List<string>();
            foreach (var (genre, count) in set.TextsPerGenre.OrderBy(kv => kv.Key))
            {
                if (!seen.Add(genre))
                {
                    throw new ArgumentException($"genre {genre} is held out by more than one set", nameof(plan));
                }

                var available = byGenre.GetValueOrDefault(genre) ?? [];
                if (available.Count < count)
                {
                    throw new ArgumentException($"held-out set '{set.Name}' needs {count} texts of genre {genre}, only {available.Count} given", nameof(ids));
                }

                chosen.AddRange(available.OrderBy(id => RankKey(plan.Seed, id), StringComparer.Ordinal)
                    .ThenBy(id => id, StringComparer.Ordinal).Take(count));
            }

            result.Add((set.Name, chosen.Order(StringComparer.Ordinal).ToList()));
        }

        return result;
    }

    /// <summary>Splits documents by text: held-out texts first, then every other A–J text to pre-training and
    /// every other K–R text to hyperfitting. Each list is in id order.</summary>
    public static BrownSplitResult Split(IReadOnlyList<BrownDocument> documents, BrownSplitPlan plan)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var sorted = documents.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        var duplicate = sorted.Zip(sorted.Skip(1)).FirstOrDefault(p => p.First.Id == p.Second.Id);
        if (duplicate != default)
        {
            throw new ArgumentException($"text '{duplicate.First.Id}' appears twice", nameof(documents));
        }

        var heldOutIds = SelectHeldOut(sorted.Select(d => d.Id), plan);
        var heldOut = heldOutIds.ToDictionary(s => s.Name, s => s.Ids.ToHashSet(StringComparer.Ordinal));
        bool IsHeldOut(BrownDocument d) => heldOut.Values.Any(s => s.Contains(d.Id));
        return new BrownSplitResult(
            sorted.Where(d => !BrownCorpus.IsFiction(d.Genre) && !IsHeldOut(d)).ToList(),
            sorted.Where(d => BrownCorpus.IsFiction(d.Genre) && !IsHeldOut(d)).ToList(),
            heldOutIds.Select(s => (s.Name, (IReadOnlyList<BrownDocument>)sorted.Where(d => heldOut[s.Name].Contains(d.Id)).ToList())).ToList());
    }

    /// <summary>Cuts a text into chunks of whole consecutive paragraphs, each with at least
    /// <paramref name="minWords"/> words; a shorter tail joins the previous chunk, and a text shorter than
    /// <paramref name="minWords"/> gives no chunk. Chunk ids are <c>{id}-01</c>, <c>{id}-02</c>, ….</summary>
    public static IReadOnlyList<BrownRecord> Chunk(BrownDocument document, int minWords)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentOutOfRangeException.ThrowIfLessThan(minWords, 1);
        var chunks = new List<List<string>>();
        var current = new List<string>();
        var words = 0;
        foreach (var paragraph in document.Paragraphs)
        {
            current.Add(paragraph);
            words += BrownText.CountWords(paragraph);
            if (words >= minWords)
            {
                chunks.Add(current);
                current = [];
                words = 0;
            }
        }

        if (current.Count > 0 && chunks.Count > 0)
        {
            chunks[^1].AddRange(current);
        }

        return chunks.Select((c, i) => new BrownRecord(
            $"{document.Id}-{i + 1:D2}", document.Genre.ToString(), document.Category, string.Join(BrownDocument.ParagraphBreak, c))).ToList();
    }

    /// <summary>A whole text as one record.</summary>
    public static BrownRecord ToRecord(BrownDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new BrownRecord(document.Id, document.Genre.ToString(), document.Category, document.Text);
    }
}
