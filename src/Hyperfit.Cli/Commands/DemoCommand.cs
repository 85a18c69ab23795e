using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hyperfit.Experiments;
using Spectre.Console;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit demo [--quick]</c>: the README's main command. Runs the shipped Table 1/2/3 spec on the shipped
/// default model (hyperfit on Brown fiction, generate from three held-out genres) and writes the report folder.
/// Logic in <see cref="Demo"/> and <see cref="ExperimentRunner"/>.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = $"the ~3-minute version ({Demo.QuickSpecPath}): fewer samples, epochs and contexts" };
        var output = new Option<string?>("--out", "-o") { Description = $"report folder (default: {Demo.DefaultOutput(false)}, or {Demo.DefaultOutput(true)} with --quick)" };
        var model = new Option<string?>("--model", "-m") { Description = "hyperfit this model folder instead of the spec's default model (same tokenizer family needed for the data)" };
        var spec = new Option<string?>("--spec") { Description = $"spec file (default: {Demo.SpecPath} found above the working directory)" };
        var force = new Option<bool>("--force") { Description = "reuse a report folder that holds another spec's results" };
        var image = new Option<bool>("--image") { Description = $"the image demo ({ImageDemo.SpecPath}): hyperfit the shipped Fashion-MNIST ImageGPT, complete held-out images, grids and numbers" };
        var command = new Command("demo", "Hyperfit the shipped default model and write the paper's Tables 1/2/3, figures and samples (the main job).")
        {
            quick, output, model, spec, force, image,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            if (parse.GetValue(image))
            {
                return RunImage(parse.GetValue(spec), parse.GetValue(model), parse.GetValue(output), parse.GetValue(force));
            }

            var isQuick = parse.GetValue(quick);
            var specPath = parse.GetValue(spec) ?? Demo.FindSpec(isQuick, [Directory.GetCurrentDirectory(), AppContext.BaseDirectory]);
            var loaded = Demo.LoadSpec(specPath, parse.GetValue(model));
            var outDir = Path.GetFullPath(parse.GetValue(output) ?? Demo.DefaultOutput(isQuick));
            Console.WriteLine($"Hyperfit demo{(isQuick ? " (quick)" : "")}: {specPath}");
            foreach (var line in Demo.Describe(loaded))
            {
                Console.WriteLine($"  {line}");
            }

            Console.WriteLine($"  report       {outDir}");
            var clock = Stopwatch.StartNew();
            return RunCommand.Execute(
                signals => ExperimentRunner.Run(loaded, outDir, parse.GetValue(force),
                    line => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(int)clock.Elapsed.TotalMinutes:00}:{clock.Elapsed.Seconds:00}] {line}")),
                    cancellation: signals.Token),
                outcome =>
                {
                    PrintDirection(outcome.Results?.Direction ?? []);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {clock.Elapsed.TotalMinutes:F1} min. Report: {outcome.ReportPath}"));
                    Console.WriteLine($"Figures: {Path.Combine(outDir, ExperimentFigures.Folder)}");
                });
        }));
        return command;
    }

    /// <summary><c>--image</c>: logic in <see cref="ImageDemo"/> and <see cref="ImageExperimentRunner"/>.</summary>
    private static int RunImage(string? specPath, string? model, string? output, bool force)
    {
        var path = specPath ?? ImageDemo.FindSpec([Directory.GetCurrentDirectory(), AppContext.BaseDirectory]);
        var loaded = ImageDemo.LoadSpec(path, model);
        var outDir = Path.GetFullPath(output ?? ImageDemo.DefaultOutput);
        Console.WriteLine($"Hyperfit image demo: {path}");
        foreach (var line in ImageDemo.Describe(loaded))
        {
            Console.WriteLine($"  {line}");
        }

        Console.WriteLine($"  report       {outDir}");
        var clock = Stopwatch.StartNew();
        return RunCommand.Execute(
            signals => ImageExperimentRunner.Run(loaded, outDir, force,
                line => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(int)clock.Elapsed.TotalMinutes:00}:{clock.Elapsed.Seconds:00}] {line}")),
                signals.Token),
            outcome => PrintImageResults(outcome, outDir, clock));
    }

    private static void PrintImageResults(ExperimentOutcome outcome, string outDir, Stopwatch clock)
    {
        var results = outcome.ImageResults!;
        var table = new Table().AddColumns("", "repeated rows", "nearly repeated", "TTR", "pixel error", "nearest hyperfit image", "copies");
        foreach (var m in results.Completions)
        {
            table.AddRow(Markup.Escape(m.Seed is { } s ? $"{m.Label} (seed {s})" : m.Label), Percent(m.RepeatedRows), Percent(m.NearlyRepeatedRows),
                Value(m.GeneratedTtr), Value(m.PixelError), Value(m.NearestHyperfitDistance), m.Copies.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {clock.Elapsed.TotalMinutes:F1} min. Report: {outcome.ReportPath}"));
        Console.WriteLine($"Grids: {string.Join(", ", results.Grids.Select(g => Path.Combine(outDir, g)))}");
    }

    private static string Percent(double? v) => v is { } x ? (x * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "–";

    private static string Value(double? v) => v is { } x ? x.ToString("F3", CultureInfo.InvariantCulture) : "–";

    /// <summary>The report's "paper's direction" rows, so the answer is on screen without opening the report: one table
    /// per compared variant (a §6.2 spec compares base with each of its hyperfitted variants).</summary>
    private static void PrintDirection(IReadOnlyList<DirectionRow> rows)
    {
        foreach (var group in rows.GroupBy(r => r.Variant, StringComparer.Ordinal))
        {
            var table = new Table().AddColumns("Quantity", "Paper", "base", Markup.Escape(group.Key), "Same direction");
            foreach (var row in group)
            {
                table.AddRow(Markup.Escape(row.Quantity), Markup.Escape(row.Paper), Number(row.Base), Number(row.Trained),
                    row.SameDirection is { } same ? same ? "yes" : "[red]no[/]" : "–");
            }

            AnsiConsole.Write(table);
        }
    }

    private static string Number(double? value) => value is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "–";
}
