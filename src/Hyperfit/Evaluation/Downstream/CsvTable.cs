using System.Globalization;
using System.Text;

namespace Hyperfit.Evaluation.Downstream;

/// <summary>Reads a comma-separated file the way <c>pandas.read_csv(path, header=None)</c> splits it — the reader the
/// official MMLU code uses: fields separated by commas, a field in double quotes may hold commas, line breaks and
/// doubled quotes (<c>""</c> = one quote), and blank lines are skipped. Cells are returned as written; pandas' type
/// inference (numbers, N/A-like cells) is not imitated (docs/downstream.md).</summary>
internal static class CsvTable
{
    /// <summary>The rows of <paramref name="path"/>, each with the 1-based line it starts on.</summary>
    /// <exception cref="InvalidDataException">A quote left open at the end of the file, or text right after a closing
    /// quote; names the file and line.</exception>
    public static IReadOnlyList<(int Line, string[] Cells)> Read(string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8);
        var rows = new List<(int, string[])>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var rowLine = 1;
        var i = 0;
        var rowHasContent = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && cell.Length == 0)
            {
                // A quoted field: runs to the next quote that is not doubled.
                var start = line;
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"{path}:{start}: a quoted field is never closed"));
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            cell.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    if (text[i] == '\n')
                    {
                        line++;
                    }

                    cell.Append(text[i]);
                    i++;
                }

                rowHasContent = true;
                if (i < text.Length && text[i] is not (',' or '\n' or '\r'))
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"{path}:{line}: text after the closing quote of a field"));
                }

                continue;
            }

            switch (c)
            {
                case ',':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    rowHasContent = true;
                    i++;
                    break;
                case '\r' or '\n':
                    if (rowHasContent || cell.Length > 0)
                    {
                        cells.Add(cell.ToString());
                        rows.Add((rowLine, cells.ToArray()));
                    }

                    cells.Clear();
                    cell.Clear();
                    rowHasContent = false;
                    i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    line++;
                    rowLine = line;
                    break;
                default:
                    cell.Append(c);
                    rowHasContent = true;
                    i++;
                    break;
            }
        }

        if (rowHasContent || cell.Length > 0)
        {
            cells.Add(cell.ToString());
            rows.Add((rowLine, cells.ToArray()));
        }

        return rows;
    }
}
