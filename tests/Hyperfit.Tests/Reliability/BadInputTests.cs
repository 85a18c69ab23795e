using System.Text;
using Hyperfit.Cli;
using Hyperfit.Data;
using Hyperfit.Generation;
using Hyperfit.Tests.Checkpoints;
using Hyperfit.Tests.Generation;
using Hyperfit.Tests.Training;
using Hyperfit.Training;
using Parquet;
using Parquet.Schema;
using static TorchSharp.torch;

namespace Hyperfit.Tests.Reliability;

/// <summary>The last bad inputs that were accepted silently or answered with a .NET message.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Should_name_a_truncated_or_damaged_parquet_file()
    {
        // Given a real Parquet file, then the same file cut short and with its footer metadata overwritten
        using var dir = new TempDirectory();
        var path = dir.File("data.parquet");
        var text = new DataField<string>("text");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(text), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(text, Enumerable.Range(0, 50).Select(i => $"document number {i} with some words").ToArray());
        }

        var bytes = await File.ReadAllBytesAsync(path);
        var truncated = dir.File("truncated.parquet");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)]);
        var damaged = dir.File("damaged.parquet");
        var copy = bytes.ToArray();
        var footerLength = BitConverter.ToInt32(copy, copy.Length - 8);
        for (var i = copy.Length - 8 - footerLength; i < copy.Length - 8; i++)
        {
            copy[i] = 0xFF; // the Thrift-encoded footer, magic bytes kept
        }

        await File.WriteAllBytesAsync(damaged, copy);

        // Then each is one InvalidDataException naming the file
        foreach (var file in new[] { truncated, damaged })
        {
            var e = Assert.Throws<InvalidDataException>(() => DatasetReader.Read(file).ToList());
            Assert.StartsWith($"{file}: not a readable Parquet file (", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void Should_refuse_text_that_is_not_utf8_instead_of_replacing_it()
    {
        using var dir = new TempDirectory();
        var path = dir.File("latin1.txt");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes("first line\nsecond caf"), 0xE9, .. Encoding.ASCII.GetBytes("\n")]);

        var e = Assert.Throws<InvalidDataException>(() => DatasetReader.Read(path).ToList());

        Assert.Equal($"{path}: not valid UTF-8 (byte E9 at or after line 1); convert it first, e.g. iconv -f latin1 -t utf-8", e.Message);
        Assert.Throws<InvalidDataException>(() => ContextReader.Read(path));
        File.WriteAllText(path, "caf\u00e9\n", new UTF8Encoding(true)); // real UTF-8 (with a BOM) reads fine
        Assert.Equal(["caf\u00e9"], DatasetReader.ReadTexts(path).ToList());
    }

    [Fact]
    public void Should_refuse_fewer_samples_than_the_batch_and_count_huge_sample_numbers_without_overflow()
    {
        var e = Assert.Throws<FieldException>(() => (HyperfitRecipe.Paper with { Samples = 4 }).Validate());
        Assert.Equal("samples", e.Field);
        Assert.Equal("samples (4) is smaller than batch_size (8): every update would see only 4 sequences; lower batch_size or add samples", e.Message);
        var huge = HyperfitRecipe.Paper with { Samples = int.MaxValue };
        Assert.Equal(268_435_456, huge.UpdatesPerEpoch);
        Assert.Equal(20L * 268_435_456, huge.TotalUpdates);

        var recipe = TrainingFixtures.SmallRecipe() with { Samples = int.MaxValue };
        var error = Assert.Throws<ArgumentException>(() => TrainingFixtures.Data(recipe));
        Assert.Contains($"{(long)int.MaxValue + recipe.ValidationSequences} are needed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_the_flag_of_a_zero_vocabulary_and_train_short_sequences_with_a_ttr_context_from_the_command_line()
    {
        // Given the tiny model, its tokenizer and its data
        using var cli = new CliTrainingFixture();

        // When new-model gets --vocab-size 0
        var (code, _, error) = CliTrainingFixture.Run("new-model", "--tokenizer", Path.Combine(cli.Root, "tokenizer"), "--vocab-size", "0",
            "--out", Path.Combine(cli.Root, "zero"));

        // Then one line names the flag (not .NET's "(Parameter 'vocabSize')") and nothing is written
        Assert.Equal(1, code);
        Assert.StartsWith("error: --vocab-size ", error.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(cli.Root, "zero")));

        // When train gets sequences of 16 tokens (the paper's default TTR context of 32 does not fit) and --ttr-context-tokens 8
        (code, _, error) = CliTrainingFixture.Run("train", "--model", cli.ModelDir, "--data", cli.DataPath, "--text-field", "body",
            "--out", Path.Combine(cli.Root, "short"), "--seq-len", "16", "--samples", "8", "--val-sequences", "2", "--max-updates", "1",
            "--ttr-context-tokens", "8", "--dtype", "float32");

        // Then it trains, with the TTR context from the flag in its log
        Assert.True(code == 0, error);
        var log = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(cli.Root, "short", TrainingLog.FileName)))!;
        Assert.Equal(8, log["config"]!["recipe"]!["ttr_context_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void Should_refuse_to_generate_from_a_model_whose_weights_are_nan()
    {
        using var model = GenerationModels.TinyLlama(ScalarType.Float32);
        using (no_grad())
        {
            model.named_parameters().First(p => p.name.EndsWith("embed_tokens.weight", StringComparison.Ordinal)).parameter.fill_(float.NaN);
        }

        var e = Assert.Throws<InvalidDataException>(() => new TextGenerator(model, new GenerationConfig { MaxNewTokens = 4 }).Generate([[1, 2, 3]]));
        Assert.StartsWith("the model's first-step logits are not finite", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Cannot parse argument 'abc' for option '--epochs' as expected type 'System.Nullable`1[System.Int32]'.",
        "Cannot parse argument 'abc' for option '--epochs' as expected type 'an integer'.")]
    [InlineData("Cannot parse argument 'x' for option '--lr' as expected type 'System.Nullable`1[System.Double]'.",
        "Cannot parse argument 'x' for option '--lr' as expected type 'a number'.")]
    [InlineData("Cannot parse argument 'x' for option '--seed' as expected type 'System.Int64'.",
        "Cannot parse argument 'x' for option '--seed' as expected type 'an integer'.")]
    public void Should_not_leak_dotnet_type_names_in_parse_errors(string message, string expected) =>
        Assert.Equal(expected, HyperfitCli.Readable(message));
}
