using Hyperfit.Cli;
using Spectre.Console;

namespace Hyperfit.Tests.Cli;

/// <summary>Runs the CLI in-process and captures what it prints. Console redirection is process-wide, so
/// callers belong to <see cref="ConsoleTests"/>' non-parallel collection.</summary>
internal static class CliRunner
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var (savedOut, savedErr, savedAnsi) = (Console.Out, Console.Error, AnsiConsole.Console);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        // Spectre.Console keeps the writer it first saw; point it at this run's output, then back.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        try
        {
            return (HyperfitCli.Run(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedErr);
            AnsiConsole.Console = savedAnsi;
        }
    }
}
