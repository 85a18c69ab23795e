using System.Runtime.InteropServices;
using Hyperfit.IO.Safetensors;
using Hyperfit.Training;

namespace Hyperfit.ScaleOut;

/// <summary>The exact data of a run, as arrays both sides read without pickle (<c>JOB/data.safetensors</c>):
/// <list type="bullet">
/// <item><c>train_ids</c> I32 (N, L): the training samples in the trainer's order (§6.1 variant applied);</item>
/// <item><c>validation_ids</c> I32 (M, L): the held-out sequences;</item>
/// <item><c>update_offsets</c> I64 (U + 1) and <c>update_samples</c> I64: update u trains on the rows
/// <c>train_ids[update_samples[update_offsets[u] : update_offsets[u + 1]]]</c>;</item>
/// <item><c>learning_rates</c> F64 (U): the rate of each update.</item>
/// </list></summary>
public sealed record JobData(int[][] Training, int[][] Validation, long[] UpdateOffsets, long[] UpdateSamples, double[] LearningRates)
{
    public const string FileName = "data.safetensors";

    /// <summary>The data <see cref="HyperfitTrainer"/> would consume for <paramref name="dataset"/> and
    /// <paramref name="recipe"/>: the batches and rates come from <see cref="TrainingSchedule"/>, the trainer's own.</summary>
    public static JobData From(SequenceDataset dataset, HyperfitRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var schedule = new TrainingSchedule(recipe, dataset.Training.Count);
        var offsets = new List<long> { 0 };
        var samples = new List<long>();
        var rates = new List<double>();
        foreach (var (update, rows) in schedule.Updates())
        {
            samples.AddRange(rows.Select(r => (long)r));
            offsets.Add(samples.Count);
            rates.Add(schedule.LearningRate(update));
        }

        return new JobData([.. dataset.Training], [.. dataset.Validation], [.. offsets], [.. samples], [.. rates]);
    }

    public long Updates => UpdateOffsets.Length - 1;

    /// <summary>Sample indices of the zero-based update <paramref name="update"/>.</summary>
    public ReadOnlySpan<long> Batch(long update) =>
        UpdateSamples.AsSpan((int)UpdateOffsets[update], (int)(UpdateOffsets[update + 1] - UpdateOffsets[update]));

    /// <summary>Writes the file atomically.</summary>
    public void Write(string path, int sequenceLength, IReadOnlyDictionary<string, string> metadata)
    {
        SafetensorsWriter.Write(path,
        [
            Ids("train_ids", Training, sequenceLength),
            Ids("validation_ids", Validation, sequenceLength),
            new("update_offsets", SafetensorsDType.I64, [UpdateOffsets.Length], s => s.Write(MemoryMarshal.AsBytes(UpdateOffsets.AsSpan()))),
            new("update_samples", SafetensorsDType.I64, [UpdateSamples.Length], s => s.Write(MemoryMarshal.AsBytes(UpdateSamples.AsSpan()))),
            new("learning_rates", SafetensorsDType.F64, [LearningRates.Length], s => s.Write(MemoryMarshal.AsBytes(LearningRates.AsSpan()))),
        ], metadata);
    }

    /// <summary>Reads a job's data file back, checking every tensor's dtype and shape.</summary>
    /// <exception cref="InvalidDataException">A tensor missing or of the wrong dtype/shape; names the file and tensor.</exception>
    public static JobData Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        SafetensorsTensorInfo Tensor(string name, SafetensorsDType dtype, int rank)
        {
            if (!file.TryGetTensor(name, out var info))
            {
                throw new InvalidDataException($"{path}: tensor {name} is missing");
            }

            if (info.DType != dtype || info.Shape.Length != rank)
            {
                throw new InvalidDataException($"{path}: tensor {name} is {info.DType} of rank {info.Shape.Length}, expected {dtype} of rank {rank}");
            }

            return info;
        }

        int[][] ReadIds(string name)
        {
            var info = Tensor(name, SafetensorsDType.I32, 2);
            var flat = MemoryMarshal.Cast<byte, int>(file.GetBytes(name));
            var (rows, length) = ((int)info.Shape[0], (int)info.Shape[1]);
            var result = new int[rows][];
            for (var r = 0; r < rows; r++)
            {
                result[r] = flat.Slice(r * length, length).ToArray();
            }

            return result;
        }

        T[] Flat<T>(string name, SafetensorsDType dtype) where T : struct
        {
            Tensor(name, dtype, 1);
            return MemoryMarshal.Cast<byte, T>(file.GetBytes(name)).ToArray();
        }

        var data = new JobData(ReadIds("train_ids"), ReadIds("validation_ids"), Flat<long>("update_offsets", SafetensorsDType.I64),
            Flat<long>("update_samples", SafetensorsDType.I64), Flat<double>("learning_rates", SafetensorsDType.F64));
        if (data.UpdateOffsets.Length == 0 || data.UpdateOffsets[0] != 0 || data.UpdateOffsets[^1] != data.UpdateSamples.Length
            || data.LearningRates.Length != data.UpdateOffsets.Length - 1)
        {
            throw new InvalidDataException($"{path}: update_offsets, update_samples and learning_rates do not agree");
        }

        return data;
    }

    private static SafetensorsTensorToWrite Ids(string name, int[][] rows, int length)
    {
        if (rows.Any(r => r.Length != length))
        {
            throw new ArgumentException($"{name}: every sequence must have {length} ids");
        }

        return new SafetensorsTensorToWrite(name, SafetensorsDType.I32, [rows.Length, length], stream =>
        {
            foreach (var row in rows)
            {
                stream.Write(MemoryMarshal.AsBytes(row.AsSpan()));
            }
        });
    }
}
