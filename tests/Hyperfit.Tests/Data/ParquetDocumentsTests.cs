using Hyperfit.Data;
using Hyperfit.Tests.Checkpoints;
using Parquet;
using Parquet.Schema;

namespace Hyperfit.Tests.Data;

public sealed class ParquetDocumentsTests
{
    [Fact]
    public async Task Should_read_the_named_string_column_across_row_groups()
    {
        // Given a Parquet file with an id column and a text column in two row groups
        using var dir = new TempDirectory();
        var path = dir.File("data.parquet");
        var id = new DataField<int>("id");
        var text = new DataField<string>("story");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, text), stream))
        {
            foreach (var (ids, texts) in new[] { (new[] { 1, 2 }, new[] { "first story", "second story" }), (new[] { 3 }, new[] { "third" }) })
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync<int>(id, ids.AsMemory());
                await group.WriteAsync(text, texts);
            }
        }

        // When documents are read from the "story" column
        var documents = DatasetReader.ReadTexts(path, "story").ToList();

        // Then every row's text comes back in order; a missing column is a one-line error naming the columns
        Assert.Equal(["first story", "second story", "third"], documents);
        var error = Assert.Throws<InvalidDataException>(() => DatasetReader.Read(path, "text").ToList());
        Assert.Equal($"{path}: no column 'text' (columns: id, story)", error.Message);
    }
}
