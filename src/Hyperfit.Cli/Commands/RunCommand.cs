using System.CommandLine;
using Hyperfit.Experiments;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit run SPEC --out DIR [--force]</c>: runs an experiment spec as a DAG of resumable steps and
/// writes results.json and report.md. Logic in <see cref="ExperimentRunner"/>; see docs/experiments.md.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "experiment spec (.json, snake_case; see experiments/README.md)" };
        var output = new Option<string>("--out", "-o") { Description = "output folder (steps/, spec.json, results.json, report.md)", Required = true };
        var force = new Option<bool>("--force") { Description = "use a folder that holds another spec's results (finished steps with unchanged inputs are reused)" };
        var command = new Command("run", "Run an experiment spec (train variants, generate, evaluate) and write the paper's tables.") { spec, output, force };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var loaded = ExperimentSpec.Load(parse.GetValue(spec)!);
            ExperimentRunner.Run(loaded, parse.GetValue(output)!, parse.GetValue(force), Console.WriteLine);
            return 0;
        }));
        return command;
    }
}
