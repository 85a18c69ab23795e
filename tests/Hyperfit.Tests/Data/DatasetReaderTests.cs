using System.Text.Json.Nodes;
using Hyperfit.Data;
using Hyperfit.Generation;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tokenization;
using Hyperfit.Training;

namespace Hyperfit.Tests.Data;

/// <summary>"The hyperfitting dataset" means one thing for every option that takes it: train, generate
/// --block-citations, evaluate --dataset and the runner read it through <see cref="DatasetReader"/>.</summary>
public sealed class DatasetReaderTests : IDisposable
{
    // Two paragraphs wrapped over several lines, a blank line between them, and a third of one line.
    private const string Text = "the cat sat on the mat while the dog\nran far away from the old house\nnear the river bank\n\n"
                                + "under the bright moon a small bird\nsang a song of green hills\n\n\nthe end of the story\n";

    private readonly TempDirectory _dir = new();
    private readonly HfTokenizer _tokenizer;

    public DatasetReaderTests()
    {
        // A tokenizer that adds BOS (training puts it in front of each document, the citation index must not see it).
        var tokenizerDir = Directory.CreateDirectory(_dir.File("tokenizer")).FullName;
        ByteLevelBpeTrainer.Train([Text], 300, ["<|endoftext|>", "<s>"]).WriteTokenizerJson(Path.Combine(tokenizerDir, "tokenizer.json"));
        TokenizerConfigWriter.Write(tokenizerDir, "<s>", "<|endoftext|>", addBosToken: true, modelMaxLength: 128);
        _tokenizer = HfTokenizer.Load(tokenizerDir);
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(".txt")]
    [InlineData(".jsonl")]
    public void Should_give_train_and_generate_the_same_token_streams_of_one_file(string extension)
    {
        // Given one hyperfitting dataset file (paragraphs wrapped over lines in the .txt, one document per line in the .jsonl)
        var path = _dir.File("data" + extension);
        var paragraphs = Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim('\n')).ToList();
        File.WriteAllText(path, extension == ".txt" ? Text : string.Concat(paragraphs.Select(p => new JsonObject { ["text"] = p }.ToJsonString() + "\n")));

        // When training reads it (pack mode: every document, BOS + content + EOS, in file order; all sequences for
        // training) and generation's citation blocker reads it
        var recipe = HyperfitRecipe.Pretraining with { Samples = 0, SequenceLength = 2, ValidationSequences = 0, BatchSize = 1, TtrContextTokens = 1 };
        var training = SequenceDataset.Load(path, _tokenizer, recipe);
        var citations = GenerationJob.CitationSequences(new HyperfitDataset(path), _tokenizer);

        // Then both see the same three documents (paragraphs, not lines) with the same content ids: the training stream
        // split at EOS is BOS + the citation index's sequences (2-token packing drops at most the stream's last EOS)
        var documents = Split([.. training.Training.SelectMany(s => s)], _tokenizer.EosTokenId!.Value);
        Assert.All(documents, d => Assert.Equal(_tokenizer.BosTokenId, d[0]));
        Assert.Equal(citations, documents.Select(d => d.Skip(1).ToArray()));
        Assert.Equal(paragraphs.Select(p => _tokenizer.Encode(p, addSpecialTokens: false).ToArray()), citations);
        Assert.Equal(3, citations.Count);
    }

    [Fact]
    public void Should_read_pre_tokenized_documents_and_refuse_unknown_extensions()
    {
        // Given a run's tokenized dataset (input_ids), and the same data under an unknown extension
        var tokenized = _dir.File("dataset.jsonl");
        TokenizedDatasetFile.Write(new HyperfitDataset(WriteText()), _tokenizer, tokenized);
        var markdown = _dir.File("data.md");
        File.WriteAllText(markdown, Text);

        // When both are read
        var ids = DatasetReader.Tokenize(tokenized, "text", _tokenizer).ToList();
        var error = Assert.Throws<InvalidDataException>(() => DatasetReader.Read(markdown).ToList());

        // Then the ids are the text's content ids, document by document; the unknown extension is one line naming the file
        Assert.Equal(DatasetReader.Tokenize(WriteText(), "text", _tokenizer), ids);
        Assert.Equal($"{markdown}: a dataset must be .txt, .jsonl, .ndjson, .parquet (got '.md')", error.Message);
    }

    private string WriteText()
    {
        var path = _dir.File("text.txt");
        File.WriteAllText(path, Text);
        return path;
    }

    private static List<List<int>> Split(List<int> stream, int separator)
    {
        var documents = new List<List<int>> { new() };
        foreach (var id in stream)
        {
            if (id == separator)
            {
                documents.Add([]);
            }
            else
            {
                documents[^1].Add(id);
            }
        }

        return [.. documents.Where(d => d.Count > 0)];
    }
}
