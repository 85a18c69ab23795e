using System.Globalization;

namespace Hyperfit.Training;

/// <summary>
/// Disk space a training run will need in its output folder, checked before the first update so that the final save
/// cannot fail after hours of training. A checkpoint holds the float32 master weights and Adam's two float32 moments
/// (12 bytes per parameter); while a new checkpoint is written the previous one still exists (atomic swap), and the
/// final model adds its float32 weights (4 bytes per parameter).
/// </summary>
/// <param name="CheckpointBytes">One checkpoint.</param>
/// <param name="FinalBytes">The final model.</param>
/// <param name="NeededBytes">Free space needed beyond what the folder holds now: two checkpoints (old + new during the
/// swap) and the final model, less the checkpoint already there.</param>
/// <param name="FreeBytes">Free space on the folder's file system for this user.</param>
public sealed record DiskSpacePlan(long CheckpointBytes, long FinalBytes, long NeededBytes, long FreeBytes)
{
    public bool Fits => FreeBytes >= NeededBytes;

    public static DiskSpacePlan For(long parameters, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var checkpoint = parameters * 12;
        var final = parameters * 4;
        var existing = TrainingCheckpoint.Find(outputDirectory) is { } dir
            ? new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;
        var probe = Path.GetFullPath(outputDirectory);
        while (!Directory.Exists(probe))
        {
            probe = Path.GetDirectoryName(probe) ?? "/";
        }

        return new DiskSpacePlan(checkpoint, final, Math.Max(0, 2 * checkpoint + final - existing), new DriveInfo(probe).AvailableFreeSpace);
    }

    /// <exception cref="TrainingException">Not enough free space, with the numbers (field <see cref="Fields.Output"/>).</exception>
    public void Require(string outputDirectory)
    {
        if (!Fits)
        {
            throw new TrainingException(Fields.Output, string.Create(CultureInfo.InvariantCulture,
                $"output {outputDirectory}: {Size(FreeBytes)} free, training needs about {Size(NeededBytes)} (checkpoints {Size(CheckpointBytes)} each, two during a swap, + final model {Size(FinalBytes)}); free space or choose another folder"));
        }
    }

    public static string Size(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F0} MiB");
}
