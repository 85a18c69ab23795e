using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hyperfit.Checkpoints;
using Hyperfit.IO.Safetensors;
using Hyperfit.Tokenization;
using Hyperfit.Training;

namespace Hyperfit.ScaleOut;

/// <summary><c>hyperfit export-job</c>: writes a self-contained folder that trains the same recipe on the same token
/// ids with PyTorch (DDP or FSDP, launched by torchrun or Accelerate): job.json, recipe.json, data.safetensors, the
/// model, train.py, the engine config, launch scripts and a README with the memory plan.</summary>
public static class JobExporter
{
    /// <summary>The official log keys (<see cref="TrainingLogEntry"/>) the job's script writes.</summary>
    public static IReadOnlyList<string> LogKeys => TrainingLog.Keys;

    /// <summary>Checks every option, reads and tokenizes the data as <c>hyperfit train</c> would, and writes the job
    /// folder atomically (a temporary sibling renamed into place).</summary>
    /// <exception cref="ArgumentException">An impossible option; one line naming it.</exception>
    /// <exception cref="IOException">The output folder exists, or a file cannot be read or written.</exception>
    public static ScaleOutJob Export(JobExportRequest request, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var recipe = request.Recipe.Validate();
        var precision = CheckPrecision(request, recipe);
        recipe = recipe with { DType = precision.RecipeDType() };
        var worldSize = CheckWorld(request);
        var output = Path.GetFullPath(request.OutputDirectory);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new IOException($"{request.OutputDirectory}: the job folder exists and is not empty; choose a new one");
        }

        // Everything that reads the model fails here, before anything is written.
        var modelDir = request.ModelDirectory;
        var config = HfModelLoader.ReadConfig(modelDir);
        string identity;
        JobModelInfo model;
        using (var weights = SafetensorsCheckpoint.Open(modelDir))
        {
            identity = ModelIdentity.Hash(modelDir);
            model = ScaleOutArchitectures.Describe(config, weights, request.CopyModel ? "model" : Path.GetFullPath(modelDir),
                Path.GetFullPath(modelDir), identity);
        }

        if (recipe.SequenceLength > config.MaxPositions)
        {
            throw new ArgumentException(Inv($"sequence_length ({recipe.SequenceLength}) exceeds the model's max positions ({config.MaxPositions})"));
        }

        progress?.Report("tokenizing the data");
        var tokenizer = HfTokenizer.Load(modelDir);
        var dataset = SequenceDataset.Load(request.DataPath, tokenizer, recipe, request.TextField);
        recipe = recipe.WithSamples(dataset.Training.Count).Validate();
        cancellation.ThrowIfCancellationRequested();
        var microBatch = CheckBatches(request, recipe, worldSize);
        var data = JobData.From(dataset, recipe);
        var schedule = new TrainingSchedule(recipe, dataset.Training.Count);
        var validateAfter = new List<long>();
        for (long u = 0; u <= schedule.TotalUpdates; u++)
        {
            if (schedule.ValidatesAfter(u))
            {
                validateAfter.Add(u);
            }
        }

        var job = new ScaleOutJob(
            ScaleOutJob.CurrentFormat, "", request.Engine, request.Nodes, request.ProcessesPerNode, worldSize, precision,
            request.GradientCheckpointing, recipe.BatchSize, recipe.BatchSize / worldSize, microBatch, "recipe.json",
            ScaleOutJob.DefaultOutputDirectory, model,
            new JobDataInfo(JobData.FileName, Path.GetFullPath(request.DataPath), request.TextField, dataset.Hash,
                dataset.QualifyingDocuments, dataset.TotalDocuments, dataset.Training.Count, dataset.Validation.Count, recipe.SequenceLength),
            new JobScheduleInfo(schedule.TotalUpdates, schedule.UpdatesPerEpoch, validateAfter, recipe.CheckpointEvery),
            LogKeys);
        job = job with { JobId = JobIdOf(job, recipe) };

        var parent = Path.GetDirectoryName(output)!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(output)}.{Environment.ProcessId}.tmp");
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        Directory.CreateDirectory(temp);
        try
        {
            File.WriteAllText(Path.Combine(temp, job.RecipeFile), recipe.ToJsonString() + "\n");
            data.Write(Path.Combine(temp, JobData.FileName), recipe.SequenceLength,
                new Dictionary<string, string> { ["format"] = "hyperfit-job-data", ["data_hash"] = dataset.Hash, ["job_id"] = job.JobId });
            if (request.CopyModel)
            {
                progress?.Report("copying the model");
                CopyModel(modelDir, Path.Combine(temp, model.Directory), cancellation);
            }

            File.WriteAllText(Path.Combine(temp, ScaleOutJob.FileName), Serialize(job) + "\n");
            foreach (var (name, text) in JobFiles.For(job, recipe))
            {
                var path = Path.Combine(temp, name);
                File.WriteAllText(path, text);
                if (name.EndsWith(".sh", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                }
            }

            cancellation.ThrowIfCancellationRequested();
            if (Directory.Exists(output))
            {
                Directory.Delete(output); // empty (checked above)
            }

            Directory.Move(temp, output);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }

        return job;
    }

    /// <summary>job.json text.</summary>
    public static string Serialize(ScaleOutJob job) => JsonSerializer.Serialize(job, ScaleOutJsonContext.Default.ScaleOutJob);

    /// <summary>Reads <c>JOB/job.json</c> strictly.</summary>
    /// <exception cref="InvalidDataException">Missing, not JSON, an unknown or missing key, or another format version.</exception>
    public static ScaleOutJob ReadJob(string jobDirectory)
    {
        var path = Path.Combine(jobDirectory, ScaleOutJob.FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: not found (is {jobDirectory} a folder written by hyperfit export-job?)");
        }

        ScaleOutJob? job;
        try
        {
            job = JsonSerializer.Deserialize(File.ReadAllText(path), ScaleOutJsonContext.Default.ScaleOutJob);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {FirstLine(e.Message)}", e);
        }

        if (job is null || job.Format != ScaleOutJob.CurrentFormat)
        {
            throw new InvalidDataException($"{path}: format {job?.Format} is not {ScaleOutJob.CurrentFormat}");
        }

        return job;
    }

    private static ScaleOutPrecision CheckPrecision(JobExportRequest request, HyperfitRecipe recipe)
    {
        var fromRecipe = ScaleOutPrecisions.FromRecipeDType(recipe.DType);
        if (request.Precision is { } asked && asked != fromRecipe && recipe.DType != "float32")
        {
            throw new ArgumentException($"precision {asked.Name()} contradicts the recipe's dtype {recipe.DType}");
        }

        return request.Precision ?? fromRecipe;
    }

    private static int CheckWorld(JobExportRequest request)
    {
        if (!Enum.IsDefined(request.Engine))
        {
            throw new ArgumentException($"engine {request.Engine} is unknown (expected {string.Join(", ", ScaleOutEngines.Names)})");
        }

        if (request.Nodes < 1 || request.ProcessesPerNode < 1)
        {
            throw new ArgumentException(Inv($"nodes ({request.Nodes}) and gpus per node ({request.ProcessesPerNode}) must be at least 1"));
        }

        var world = (long)request.Nodes * request.ProcessesPerNode;
        if (request.Engine == ScaleOutEngine.SingleProcess && world != 1)
        {
            throw new ArgumentException(Inv($"engine single runs one process; nodes × gpus per node is {world} (use torchrun-ddp or an accelerate engine)"));
        }

        return world > 65536 ? throw new ArgumentException(Inv($"world size {world} is implausibly large")) : (int)world;
    }

    /// <summary>Each update's batch is split evenly over the processes (DDP and FSDP average gradients over them, so
    /// equal shares keep the update Hyperfit's mean over the batch); returns the micro-batch size.</summary>
    private static int CheckBatches(JobExportRequest request, HyperfitRecipe recipe, int world)
    {
        var batch = recipe.BatchSize;
        if (batch % world != 0)
        {
            throw new ArgumentException(Inv(
                $"world size {world} (nodes {request.Nodes} × gpus per node {request.ProcessesPerNode}) does not divide batch_size {batch}: every process must get an equal share of each update"));
        }

        var last = recipe.Samples % batch;
        if (last != 0 && last % world != 0)
        {
            throw new ArgumentException(Inv(
                $"world size {world} does not divide the last batch of each epoch ({recipe.Samples} samples % batch_size {batch} = {last} sequences); choose samples or batch_size so that it does"));
        }

        var perDevice = batch / world;
        var hyperfitMicro = batch / recipe.GradientAccumulationSteps;
        var micro = request.MicroBatchSize ?? (int)GreatestCommonDivisor(perDevice, hyperfitMicro);
        if (micro < 1 || perDevice % micro != 0)
        {
            throw new ArgumentException(Inv($"micro-batch size {micro} must divide the per-device batch ({batch} / world size {world} = {perDevice})"));
        }

        return micro;
    }

    private static long GreatestCommonDivisor(long a, long b) => b == 0 ? a : GreatestCommonDivisor(b, a % b);

    private static void CopyModel(string source, string target, CancellationToken cancellation)
    {
        Directory.CreateDirectory(target);
        var names = Directory.GetFiles(source).Select(Path.GetFileName).OfType<string>()
            .Where(n => n == HfModelLoader.ConfigFileName || n.EndsWith(".safetensors", StringComparison.Ordinal)
                        || n == SafetensorsWriter.IndexFileName || HfModelSaver.CompanionFiles.Contains(n));
        foreach (var name in names)
        {
            cancellation.ThrowIfCancellationRequested();
            File.Copy(Path.Combine(source, name), Path.Combine(target, name));
        }
    }

    /// <summary>SHA-256 of what decides the run's numbers and layout: recipe, data, starting model, engine settings.</summary>
    private static string JobIdOf(ScaleOutJob job, HyperfitRecipe recipe)
    {
        var text = string.Join('\n', recipe.ToJsonString(), job.Data.DataHash, job.Model.Identity, job.Engine.Name(),
            Inv($"{job.Nodes}x{job.ProcessesPerNode} micro {job.MicroBatchSize} {job.Precision.Name()} gc {job.GradientCheckpointing}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
