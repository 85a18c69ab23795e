using Parquet;
using Parquet.Schema;

namespace Hyperfit.Data;

/// <summary>Reads one string column of a Parquet file (the layout of Hugging Face dataset exports), row group by
/// row group, so only one group's text is in memory at a time.</summary>
public static class ParquetDocuments
{
    /// <exception cref="InvalidDataException">The column is missing or not a string column; names the file.</exception>
    public static IEnumerable<string> Read(string path, string column)
    {
        using var stream = File.OpenRead(path);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Parquet.Net reports a damaged footer in its own exception types (Thrift protocol errors among them).
            throw new InvalidDataException($"{path}: not a readable Parquet file ({FirstLine(e.Message)}; is it truncated?)", e);
        }

        try
        {
            var field = reader.Schema.GetDataFields().FirstOrDefault(f => f.Name == column)
                        ?? throw new InvalidDataException(
                            $"{path}: no column '{column}' (columns: {string.Join(", ", reader.Schema.GetDataFields().Select(f => f.Name))})");
            // Parquet.Net 6 reports string columns as ReadOnlyMemory<char> (its zero-copy type); both read as string.
            if ((field.ClrType != typeof(string) && field.ClrType != typeof(ReadOnlyMemory<char>)) || field.IsArray)
            {
                throw new InvalidDataException($"{path}: column '{column}' holds {field.ClrType.Name}, not text");
            }

            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                foreach (var text in ReadGroup(path, reader, g, field))
                {
                    yield return text;
                }
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string[] ReadGroup(string path, ParquetReader reader, int group, DataField field)
    {
        try
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var values = new string?[rowGroup.RowCount];
            rowGroup.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            // Null cells are documents without text: skipped.
            return values.OfType<string>().ToArray();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: row group {group} of column '{field.Name}' is damaged ({FirstLine(e.Message)})", e);
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd('\r');
}
