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

                var image = ImageExperimentSpec.Load(parse.GetValue(spec)!);
                return Execute(signals => ImageExperimentRunner.Run(image, parse.GetValue(output)!, parse.GetValue(force), Console.WriteLine, signals.Token));
            }

            var loaded = ExperimentSpec.Load(parse.GetValue(spec)!);
            var votes = parse.GetValue(humanVotes) is { } study ? HumanVotes.Load(study) : null;
            return Execute(signals => ExperimentRunner.Run(loaded, parse.GetValue(output)!, parse.GetValue(force), Console.WriteLine, votes, signals.Token));
        }));
        return command;
    }

    /// <summary>Runs an experiment under Ctrl-C / SIGTERM handling: a stop checkpoints the running training step and
    /// exits 130 / 143; the same command continues (finished steps reused, the training step resumed). Shared by
    /// <c>run</c> and <c>demo</c>.</summary>
    internal static int Execute(Func<StopSignals, ExperimentOutcome> run, Action<ExperimentOutcome>? printed = null)
    {
        using var signals = new StopSignals();
        ExperimentOutcome outcome;
        try
        {
            outcome = run(signals);
        }
        catch (OperationCanceledException) when (signals.Signal is { } signal)
        {
            Console.Error.WriteLine($"{signal}: stopped; run the same command again to continue (finished steps are reused, an interrupted training step resumes from its checkpoint)");
            return signals.ExitCode;
        }

        printed?.Invoke(outcome);
        return 0;
    }
}
