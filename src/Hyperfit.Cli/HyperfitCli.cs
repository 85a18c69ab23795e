using System.CommandLine;
using Hyperfit.Cli.Commands;

namespace Hyperfit.Cli;

/// <summary>The <c>hyperfit</c> command: parses arguments and hands over to the library.</summary>
public static partial class HyperfitCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Hyperfit: hyperfit Hugging Face causal LMs from C#, generate, and measure what the paper measures.");
        root.Add(InspectCommand.Create());
        root.Add(ConvertCommand.Create());
        root.Add(NewModelCommand.Create());
        root.Add(TrainTokenizerCommand.Create());
        root.Add(DataCommand.Create());
        root.Add(TrainCommand.Create());
        root.Add(PretrainCommand.Create());
        root.Add(ExportJobCommand.Create());
        root.Add(ImportRunCommand.Create());
        root.Add(GenerateCommand.Create());
        root.Add(EvaluateCommand.Create());
        root.Add(DownstreamCommand.Create());
        root.Add(BenchCommand.Create());
        root.Add(RunCommand.Create());
        root.Add(DemoCommand.Create());
        root.Add(AnnotateCommand.Create());
        root.Add(ImageCommand.Create());
        return root;
    }

    /// <summary>Runs the command line; returns the process exit code (0 ok, 1 failure, 2 bad usage).</summary>
    public static int Run(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"error: {Readable(error.Message)}");
            }

            Console.Error.WriteLine("Run 'hyperfit --help' for usage.");
            return 2;
        }

        return parse.Invoke();
    }

    /// <summary>System.CommandLine names .NET types in its parse errors (<c>System.Nullable`1[System.Int32]</c>); say
    /// what a user typed wrong instead.</summary>
    public static string Readable(string message) => NetType().Replace(message, m => m.Groups[1].Value switch
    {
        "Int32" or "Int64" => "'an integer'",
        "Double" or "Single" => "'a number'",
        "Boolean" => "'true or false'",
        var other => $"'{other}'",
    });

    [System.Text.RegularExpressions.GeneratedRegex(@"'(?:System\.Nullable`1\[)?System\.(\w+)\]?'")]
    private static partial System.Text.RegularExpressions.Regex NetType();
}
