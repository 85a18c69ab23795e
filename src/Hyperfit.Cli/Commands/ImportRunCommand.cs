using System.CommandLine;
using System.Globalization;
using Hyperfit.ScaleOut;

namespace Hyperfit.Cli.Commands;

/// <summary><c>hyperfit import-run</c>: validates an exported job's output and writes it as a Hyperfit run folder
/// (see <see cref="RunImporter"/>).</summary>
public static class ImportRunCommand
{
    public static Command Create()
    {
        var job = new Option<string>("--job") { Description = "the folder hyperfit export-job wrote (and the job trained in)", Required = true };
        var output = new Option<string?>("--job-output") { Description = "where the job wrote, if not JOB/output" };
        var run = new Option<string>("--out") { Description = "run folder to write: final/ and training_log.json, as hyperfit train writes them", Required = true };
        var verify = new Option<bool>("--verify-greedy") { Description = "regenerate the last validation continuations with Hyperfit and require them equal to the job's" };
        var device = CommonOptions.Device();
        var command = new Command("import-run", "Take back a run trained by an exported job: check it and write it in hyperfit train's layout.")
        {
            job, output, run, verify, device,
        };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var result = RunImporter.Import(parse.GetValue(job)!, parse.GetValue(run)!, parse.GetValue(output), parse.GetValue(verify),
                parse.GetValue(device)!, new Progress<string>(line => Console.Error.WriteLine(line)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Imported {result.Updates} updates ({result.Entries} log entries; last train loss {Format(result.LastTrainLoss)}, val loss {Format(result.LastValLoss)}) → {result.RunDirectory}"));
            if (result.Greedy is { } g)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  greedy check: {g.Equal} of {g.Contexts} continuations ({g.NewTokens} tokens) equal to the job's log"));
            }

            return 0;
        }));
        return command;
    }

    private static string Format(double? value) => value?.ToString("F4", CultureInfo.InvariantCulture) ?? "n/a";
}
