using System.Text.Json;
using Hyperfit.Evaluation;
using Hyperfit.ScaleOut;
using Hyperfit.Tests.Training;
using Hyperfit.Training;

namespace Hyperfit.Tests.ScaleOut;

/// <summary>A tiny model folder and corpus (from <see cref="CliTrainingFixture"/>), a small recipe, and a way to fake
/// what a job's train.py writes (a log and a final model) without Python.</summary>
public sealed class ScaleOutFixture : IDisposable
{
    private readonly CliTrainingFixture _files = new();
    private int _counter;

    public string ModelDir => _files.ModelDir;

    public string DataPath => _files.DataPath;

    public string Root => _files.Root;

    /// <summary>A recipe file with TTR settings that fit 32-token sequences.</summary>
    public string TtrConfig
    {
        get
        {
            var path = Path.Combine(Root, "ttr.json");
            if (!File.Exists(path))
            {
                File.WriteAllText(path, """{"ttr_context_tokens": 8, "ttr_generated_tokens": 6}""");
            }

            return path;
        }
    }

    /// <summary>12 samples × 32 tokens, batch 4 (3 updates an epoch), 7 updates: the schedule crosses epochs.</summary>
    public static HyperfitRecipe Recipe(DataVariant variant = DataVariant.None) => new()
    {
        Samples = 12,
        SequenceLength = 32,
        BatchSize = 4,
        MaxUpdates = 7,
        LearningRate = 1e-3,
        ValidateEvery = 3,
        ValidationSequences = 4,
        TtrContextTokens = 8,
        TtrGeneratedTokens = 6,
        CheckpointEvery = 0,
        Variant = variant,
    };

    public string NewFolder(string name) => Path.Combine(Root, $"{name}-{Interlocked.Increment(ref _counter)}");

    public JobExportRequest Request(HyperfitRecipe recipe, ScaleOutEngine engine = ScaleOutEngine.TorchrunDdp, int processes = 2) =>
        new(ModelDir, DataPath, recipe, engine, NewFolder("job"), ProcessesPerNode: processes, TextField: "body");

    /// <summary>Writes what train.py would: a log at every validation point (token ids drawn from
    /// <paramref name="seed"/>, TTR computed from them) and the starting model as the "final" one.</summary>
    public static void FakeRun(string jobDir, ScaleOutJob job, HyperfitRecipe recipe, Action<List<JobRunLogEntry>>? tamper = null, int seed = 5)
    {
        var random = new Random(seed);
        var entries = new List<JobRunLogEntry>();
        foreach (var u in job.Schedule.ValidateAfter)
        {
            var ids = Enumerable.Range(0, job.Data.ValidationSequences)
                .Select(_ => Enumerable.Range(0, recipe.TtrGeneratedTokens).Select(_ => random.Next(3, 40)).ToArray()).ToList();
            entries.Add(new JobRunLogEntry(u == 0 ? null : 3.0 / (u + 1), u, (double)u / job.Schedule.UpdatesPerEpoch, 4.0, 2.0,
                TypeTokenRatio.Mean(ids), ids.Select(r => string.Join(' ', r)).ToList(), ids));
        }

        tamper?.Invoke(entries);
        var output = Path.Combine(jobDir, job.OutputDirectory);
        var final = Path.Combine(output, HyperfitTrainer.FinalDirectoryName);
        Directory.CreateDirectory(final);
        foreach (var file in Directory.GetFiles(Path.Combine(jobDir, job.Model.Directory)))
        {
            File.Copy(file, Path.Combine(final, Path.GetFileName(file)), overwrite: true);
        }

        var config = new JobRunConfig(job.JobId, job.Engine.Name(), job.WorldSize, job.Precision.Name(), "cpu", "gloo", "1.13.1", "4.47.0", null, "3.11.2", []);
        File.WriteAllText(Path.Combine(output, JobRunLog.FileName),
            JsonSerializer.Serialize(new JobRunLog(config, entries), ScaleOutJsonContext.Default.JobRunLog));
    }

    public void Dispose() => _files.Dispose();
}
