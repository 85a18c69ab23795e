using System.Security.Cryptography;
using Hyperfit.Data;
using Hyperfit.Tokenization;

namespace Hyperfit.Training;

/// <summary>The fixed training samples and held-out validation sequences of one run.</summary>
/// <remarks>§3: "2000 randomly selected sequences … with a length of 256 tokens". Each document is tokenized
/// (with the tokenizer's BOS when its config adds one), documents shorter than L tokens are skipped, longer ones are
/// cut to their first L tokens. A seeded permutation of the qualifying documents gives the N training samples
/// followed by the validation sequences, so the two sets never share a document.
/// Pack mode (pre-training): every document is tokenized, an EOS is appended to each (unless the tokenizer already
/// ended it with one), the documents are concatenated in file order and cut into consecutive L-token sequences; the
/// last partial sequence is dropped. A seeded permutation of those sequences picks the validation sequences first,
/// then the training samples (all the others when <c>samples</c> is 0); both sets are kept in stream order. The two
/// sets never share a token, though a document can straddle both.</remarks>
public sealed class SequenceDataset
{
    private SequenceDataset(int[][] training, int[][] validation, int qualifying, int total, int sequenceLength)
    {
        Training = training;
        Validation = validation;
        QualifyingDocuments = qualifying;
        TotalDocuments = total;
        SequenceLength = sequenceLength;
        Hash = ComputeHash(training, validation);
    }

    /// <summary>Training samples in their (variant-adjusted) order, each exactly <see cref="SequenceLength"/> ids.</summary>
    public IReadOnlyList<int[]> Training { get; }

    /// <summary>Held-out sequences, disjoint from <see cref="Training"/> by document.</summary>
    public IReadOnlyList<int[]> Validation { get; }

    /// <summary>Documents with at least <see cref="SequenceLength"/> tokens (pack mode: non-empty documents).</summary>
    public int QualifyingDocuments { get; }

    public int TotalDocuments { get; }

    public int SequenceLength { get; }

    /// <summary>SHA-256 over every id of both sets, in order: the data's identity for resuming.</summary>
    public string Hash { get; }

    /// <summary>Reads, tokenizes and samples a local file (.txt, .jsonl, .parquet).</summary>
    /// <exception cref="ArgumentException">Pack mode with a tokenizer that has no EOS token.</exception>
    public static SequenceDataset Load(string path, HfTokenizer tokenizer, HyperfitRecipe recipe, string textField = "text")
    {
        // The same documents and ids every other reader of the hyperfitting data sees, with the tokenizer's special tokens
        // around each (for text: exactly Encode(text, addSpecialTokens: true)).
        var documents = DatasetReader.Tokenize(path, textField, tokenizer).Select(ids => (IReadOnlyList<int>)tokenizer.AddSpecialTokens(ids));
        if (recipe.DataMode == DataMode.Pack)
        {
            var eos = tokenizer.EosTokenId ?? throw new ArgumentException("data_mode pack needs a tokenizer with an EOS token to separate documents");
            return Pack(documents, eos, recipe, path);
        }

        return FromDocuments(documents, recipe, path);
    }

    /// <summary>Samples already tokenized documents (truncate mode).</summary>
    /// <param name="source">Names the data in the too-few-documents error.</param>
    /// <exception cref="ArgumentException">Fewer qualifying documents than training + validation sequences.</exception>
    public static SequenceDataset FromDocuments(IEnumerable<IReadOnlyList<int>> documents, HyperfitRecipe recipe, string source = "data")
    {
        if (recipe.DataMode != DataMode.Truncate)
        {
            throw new ArgumentException($"data_mode {recipe.DataMode}: use {nameof(Pack)}");
        }

        var length = recipe.SequenceLength;
        var total = 0;
        var qualifying = new List<int[]>();
        foreach (var ids in documents)
        {
            total++;
            if (ids.Count >= length)
            {
                qualifying.Add(ids.Take(length).ToArray());
            }
        }

        var needed = (long)recipe.Samples + recipe.ValidationSequences;
        if (qualifying.Count < needed)
        {
            throw new ArgumentException(
                $"{source}: {qualifying.Count} of {total} documents have at least {length} tokens; {needed} are needed " +
                $"({recipe.Samples} training + {recipe.ValidationSequences} validation)");
        }

        var draw = new DeterministicRandom(recipe.Seed).Permutation(qualifying.Count);
        var training = draw.Take(recipe.Samples).Select(i => qualifying[i]).ToArray();
        var validation = draw.Skip(recipe.Samples).Take(recipe.ValidationSequences).Select(i => qualifying[i]).ToArray();
        return new SequenceDataset(ApplyVariant(training, recipe), validation, qualifying.Count, total, length);
    }

    /// <summary>Packs already tokenized documents (pack mode): EOS after each, concatenated, cut into L-token
    /// sequences; a seeded pick of validation sequences, then the training samples.</summary>
    /// <param name="eosId">Appended to each document that does not already end with it.</param>
    /// <exception cref="ArgumentException">Fewer packed sequences than training + validation need.</exception>
    public static SequenceDataset Pack(IEnumerable<IReadOnlyList<int>> documents, int eosId, HyperfitRecipe recipe, string source = "data")
    {
        var length = recipe.SequenceLength;
        var stream = new List<int>();
        var total = 0;
        var nonEmpty = 0;
        foreach (var ids in documents)
        {
            total++;
            if (ids.Count == 0)
            {
                continue;
            }

            nonEmpty++;
            stream.AddRange(ids);
            if (ids[^1] != eosId)
            {
                stream.Add(eosId);
            }
        }

        var count = stream.Count / length;
        var validationCount = recipe.ValidationSequences;
        var needed = (long)validationCount + Math.Max(recipe.Samples, 1);
        if (count < needed)
        {
            throw new ArgumentException(
                $"{source}: {stream.Count} tokens from {nonEmpty} documents pack into {count} sequences of {length}; {needed} are needed " +
                $"({(recipe.Samples == 0 ? "at least 1" : recipe.Samples.ToString(System.Globalization.CultureInfo.InvariantCulture))} training + {validationCount} validation)");
        }

        var draw = new DeterministicRandom(recipe.Seed).Permutation(count);
        var validationIndices = draw.Take(validationCount).Order().ToArray();
        var rest = draw.Skip(validationCount);
        var trainingIndices = (recipe.Samples == 0 ? rest : rest.Take(recipe.Samples)).Order().ToArray();
        int[] Slice(int i) => stream.GetRange(i * length, length).ToArray();
        var training = trainingIndices.Select(Slice).ToArray();
        var validation = validationIndices.Select(Slice).ToArray();
        return new SequenceDataset(ApplyVariant(training, recipe), validation, nonEmpty, total, length);
    }

    /// <summary>§6.1: Shuffle-1 swaps samples 0 and 1; Shuffle-All permutes all samples with a seed derived from (and
    /// different to) the run's. The per-epoch order is then drawn with the run's seed as usual, so the models see
    /// the same data in a different order.</summary>
    public static int[][] ApplyVariant(int[][] samples, HyperfitRecipe recipe)
    {
        var result = (int[][])samples.Clone();
        switch (recipe.Variant)
        {
            case DataVariant.None:
                break;
            case DataVariant.Shuffle1:
                (result[0], result[1]) = (result[1], result[0]);
                break;
            case DataVariant.ShuffleAll:
                var order = DeterministicRandom.Derive(recipe.Seed, stream: -2).Permutation(result.Length);
                result = order.Select(i => samples[i]).ToArray();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(recipe), recipe.Variant, "unknown data variant");
        }

        return result;
    }

    /// <summary>The order of sample indices in <paramref name="epoch"/>: a permutation fixed by (seed, epoch), so a
    /// resumed run recomputes it instead of storing it.</summary>
    public static int[] EpochOrder(long seed, long epoch, int count) => DeterministicRandom.Derive(seed, epoch).Permutation(count);

    private static string ComputeHash(int[][] training, int[][] validation)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var set in new[] { training, validation })
        {
            sha.AppendData(BitConverter.GetBytes(set.Length));
            foreach (var ids in set)
            {
                sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan()));
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
