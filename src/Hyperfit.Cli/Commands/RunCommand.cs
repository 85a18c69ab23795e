using System.CommandLine;
using Hyperfit.Experiments;
using Hyperfit.HumanStudy;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit run SPEC --out DIR [--force] [--human-votes STUDY]</c>: runs an experiment spec as a DAG of
/// resumable steps and writes results.json and report.md; with a human study of the run, Table 1's Pref columns and
/// Table 4 too. Logic in <see cref="ExperimentRunner"/>; see docs/experiments.md and docs/human-study.md.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var spec = new Argument<string>("spec") { Description = "experiment spec (.json, snake_case; see experiments/README.md)" };
        var output = new Option<string>("--out", "-o") { Description = "output folder (steps/, spec.json, results.json, report.md)", Required = true };
        var force = new Option<bool>("--force") { Description = "use a folder that holds another spec's results (finished steps with unchanged inputs are reused)" };
        var humanVotes = new Option<string?>("--human-votes") { Description = "study folder built from this run ('hyperfit annotate build --run DIR'): fills Table 1's 128/256 Pref and Table 4" };
        var command = new Command("run", "Run an experiment spec (train variants, generate, evaluate) and write the paper's tables; a spec with \"kind\": \"image\" runs the image experiment.") { spec, output, force, humanVotes };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            if (ImageExperimentSpec.IsImageSpec(parse.GetValue(spec)!))
            {
                // "kind": "image": §7.1's image experiment (docs/images.md)
                if (parse.GetValue(humanVotes) is not null)
                {
                    throw new ArgumentException("--human-votes: image experiments have no human study");
                }

                ImageExperimentRunner.Run(ImageExperimentSpec.Load(parse.GetValue(spec)!), parse.GetValue(output)!, parse.GetValue(force), Console.WriteLine);
                return 0;
            }

            var loaded = ExperimentSpec.Load(parse.GetValue(spec)!);
            var votes = parse.GetValue(humanVotes) is { } study ? HumanVotes.Load(study) : null;
            ExperimentRunner.Run(loaded, parse.GetValue(output)!, parse.GetValue(force), Console.WriteLine, votes);
            return 0;
        }));
        return command;
    }
}
