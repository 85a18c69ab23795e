using System.Text.Json;
using Hyperfit.Checkpoints;

namespace Hyperfit.Experiments;

/// <summary>The reader and writer of a run's <c>results.json</c> (<see cref="ExperimentResults"/>).</summary>
public static class ResultsFile
{
    public const string FileName = "results.json";

    /// <exception cref="InvalidDataException">Not a results file (one line naming the file and the member).</exception>
    public static ExperimentResults Read(string path) => IO.StrictJson.Read(path, ExperimentJsonContext.Default.ExperimentResults);

    public static void Write(string path, ExperimentResults results) =>
        HfModelSaver.WriteAtomically(path, JsonSerializer.Serialize(results, ExperimentJsonContext.Default.ExperimentResults) + "\n");
}
