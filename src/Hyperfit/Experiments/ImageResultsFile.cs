using System.Text.Json;
using Hyperfit.Checkpoints;

namespace Hyperfit.Experiments;

/// <summary>The reader and writer of an image experiment's <c>results.json</c> (<see cref="ImageExperimentResults"/>).</summary>
public static class ImageResultsFile
{
    /// <exception cref="InvalidDataException">Not an image results file (one line naming the file and the member).</exception>
    public static ImageExperimentResults Read(string path) => IO.StrictJson.Read(path, ImageExperimentJsonContext.Default.ImageExperimentResults);

    public static void Write(string path, ImageExperimentResults results) =>
        HfModelSaver.WriteAtomically(path, JsonSerializer.Serialize(results, ImageExperimentJsonContext.Default.ImageExperimentResults) + "\n");
}
