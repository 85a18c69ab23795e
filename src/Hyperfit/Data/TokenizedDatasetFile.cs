using System.Text;
using System.Text.Json;
using Hyperfit.Tokenization;

namespace Hyperfit.Data;

/// <summary>
/// A hyperfitting dataset tokenized once (a run's <c>dataset.jsonl</c>): one <see cref="TokenizedDocument"/> per
/// non-empty document, in file order, exactly the ids <see cref="DatasetReader.Tokenize"/> gives. The citation blocker
/// and the dataset metrics read it back through <see cref="DatasetReader"/> (as pre-tokenized documents), so both see the
/// model's tokens of the data it was hyperfitted on.
/// </summary>
public static class TokenizedDatasetFile
{
    /// <summary>Tokenizes <paramref name="data"/> and writes it atomically; returns the number of documents written.</summary>
    public static int Write(HyperfitDataset data, HfTokenizer tokenizer, string path)
    {
        ArgumentNullException.ThrowIfNull(data);
        var text = new StringBuilder();
        var count = 0;
        foreach (var ids in DatasetReader.Tokenize(data.File, data.TextField, tokenizer).Where(ids => ids.Length > 0))
        {
            text.Append(JsonSerializer.Serialize(new TokenizedDocument(ids), DataJsonContext.Default.TokenizedDocument)).Append('\n');
            count++;
        }

        Checkpoints.HfModelSaver.WriteAtomically(path, text.ToString());
        return count;
    }
}
