using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.Evaluation;
using Hyperfit.Generation;
using Hyperfit.IO.Safetensors;
using Hyperfit.Models;
using Hyperfit.Tokenization;
using Hyperfit.Training;

namespace Hyperfit.ScaleOut;

/// <summary><c>hyperfit import-run</c>: checks what an exported job produced (its log against the job's schedule,
/// its final model against the starting model) and writes it as a run folder in <c>hyperfit train</c>'s layout
/// (<c>RUN/final</c>, <c>RUN/training_log.json</c>), so generate, evaluate, run and the report use it unchanged.</summary>
public static class RunImporter
{
    /// <param name="jobDirectory">The folder <c>hyperfit export-job</c> wrote.</param>
    /// <param name="runDirectory">Created; must not exist or be empty.</param>
    /// <param name="jobOutput">Where the job wrote (default <c>JOB/output</c>).</param>
    /// <param name="verifyGreedy">Also regenerate the last validation continuations with Hyperfit from the imported
    /// model on <paramref name="device"/> and require them equal to the job's.</param>
    /// <exception cref="InvalidDataException">The job or its output is not what the job promised; one line naming the file.</exception>
    public static ImportedRun Import(string jobDirectory, string runDirectory, string? jobOutput = null, bool verifyGreedy = false,
        string device = "cpu", IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        var job = JobExporter.ReadJob(jobDirectory);
        var recipe = HyperfitRecipe.Load(Path.Combine(jobDirectory, job.RecipeFile)).Validate();
        var output = jobOutput ?? Path.Combine(jobDirectory, job.OutputDirectory);
        var runFull = Path.GetFullPath(runDirectory);
        if (Directory.Exists(runFull) && Directory.EnumerateFileSystemEntries(runFull).Any())
        {
            throw new IOException($"{runDirectory}: the run folder exists and is not empty; choose a new one");
        }

        var log = ReadLog(Path.Combine(output, JobRunLog.FileName), job);
        var final = Path.Combine(output, HyperfitTrainer.FinalDirectoryName);
        CheckFinalModel(final, job, jobDirectory);
        var tokenizer = HfTokenizer.Load(final);
        var entries = log.Logs.Select(e => ToHyperfitEntry(e, tokenizer, Path.Combine(output, JobRunLog.FileName))).ToList();
        cancellation.ThrowIfCancellationRequested();

        GreedyCheck? greedy = null;
        if (verifyGreedy && log.Logs.Count > 0 && log.Logs[^1].ValGenIds.Count > 0)
        {
            progress?.Report("regenerating the last validation continuations with Hyperfit");
            greedy = CheckGreedy(final, jobDirectory, job, recipe, log.Logs[^1], device);
        }

        var parent = Path.GetDirectoryName(runFull)!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(runFull)}.{Environment.ProcessId}.tmp");
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        Directory.CreateDirectory(temp);
        try
        {
            var finalCopy = Path.Combine(temp, HyperfitTrainer.FinalDirectoryName);
            Directory.CreateDirectory(finalCopy);
            foreach (var file in Directory.GetFiles(final))
            {
                cancellation.ThrowIfCancellationRequested();
                File.Copy(file, Path.Combine(finalCopy, Path.GetFileName(file)));
            }

            var hyperfitLog = new TrainingLog(ConfigEcho(job, recipe, log.Config, Path.GetFullPath(jobDirectory)));
            hyperfitLog.Reset(entries);
            hyperfitLog.Write(Path.Combine(temp, TrainingLog.FileName));
            if (Directory.Exists(runFull))
            {
                Directory.Delete(runFull); // empty (checked above)
            }

            Directory.Move(temp, runFull);
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }

        var last = entries.LastOrDefault();
        return new ImportedRun(runFull, Path.Combine(runFull, HyperfitTrainer.FinalDirectoryName), Path.Combine(runFull, TrainingLog.FileName),
            job.Schedule.TotalUpdates, entries.Count, last?.TrainLoss, last?.ValLoss, greedy);
    }

    /// <summary>Reads the job's log strictly and checks it against the job: same job id, an entry after exactly the
    /// updates the schedule validates after, finite numbers, one continuation of the right length per validation sequence.</summary>
    public static JobRunLog ReadLog(string path, ScaleOutJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: not found (has the job run? its train.py writes this log)");
        }

        JobRunLog log;
        try
        {
            log = JsonSerializer.Deserialize(File.ReadAllText(path), ScaleOutJsonContext.Default.JobRunLog)
                  ?? throw new InvalidDataException($"{path}: empty log");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {FirstLine(e.Message)}", e);
        }

        if (log.Config.JobId != job.JobId)
        {
            throw new InvalidDataException($"{path}: written by job {Short(log.Config.JobId)}…, not by this job ({Short(job.JobId)}…)");
        }

        if (log.Config.WorldSize != job.WorldSize || log.Config.Engine != job.Engine.Name())
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: ran as {log.Config.Engine} with world size {log.Config.WorldSize}, the job is {job.Engine.Name()} with {job.WorldSize}"));
        }

        var expected = job.Schedule.ValidateAfter;
        var logged = log.Logs.Select(e => e.UpdateCounter).ToList();
        var lastLogged = logged.Count == 0 ? 0 : logged[^1];
        if (!logged.SequenceEqual(expected.Take(logged.Count)))
        {
            var at = Enumerable.Range(0, logged.Count).First(i => i >= expected.Count || logged[i] != expected[i]);
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: entry {at} is at update {logged[at]}, the job validates after {(at < expected.Count ? expected[at].ToString(CultureInfo.InvariantCulture) : "no further update")}"));
        }

        if (logged.Count < expected.Count)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: the run is incomplete (logged up to update {lastLogged} of {job.Schedule.TotalUpdates}); resume it with launch.sh --resume"));
        }

        var contexts = job.Data.ValidationSequences;
        foreach (var e in log.Logs)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{path}: update {e.UpdateCounter}");
            foreach (var (name, value) in new[]
                     {
                         (TrainingLog.KeyOf(nameof(e.TrainLoss)), e.TrainLoss), (TrainingLog.KeyOf(nameof(e.ValLoss)), e.ValLoss),
                         (TrainingLog.KeyOf(nameof(e.ValEntropy)), e.ValEntropy), (TrainingLog.KeyOf(nameof(e.ValTtr)), e.ValTtr),
                     })
            {
                if (value is { } v && !double.IsFinite(v))
                {
                    throw new InvalidDataException($"{where}: {name} is {v}");
                }
            }

            if ((e.UpdateCounter == 0) != (e.TrainLoss is null))
            {
                throw new InvalidDataException($"{where}: train_loss must be null before the first update and only then");
            }

            if (contexts > 0 && (e.ValGenIds.Count != contexts || e.ValGenSeqs.Count != contexts))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{where}: {e.ValGenIds.Count} continuations (val_gen_ids) and {e.ValGenSeqs.Count} texts for {contexts} validation sequences"));
            }

            if (e.ValGenIds.FirstOrDefault(ids => ids.Length != e.ValGenIds[0].Length) is not null)
            {
                throw new InvalidDataException($"{where}: val_gen_ids rows differ in length");
            }

            if (e.ValGenIds.SelectMany(ids => ids).Any(id => id < 0 || id >= job.Model.VocabSize))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{where}: val_gen_ids holds an id outside the vocabulary (0 … {job.Model.VocabSize - 1})"));
            }
        }

        return log;
    }

    /// <summary>The final model must be a Hugging Face folder of the job's architecture with exactly the starting
    /// model's tensors (names and shapes).</summary>
    private static void CheckFinalModel(string final, ScaleOutJob job, string jobDirectory)
    {
        if (!Directory.Exists(final))
        {
            throw new InvalidDataException($"{final}: not found (the job has not finished: train.py saves the final model last)");
        }

        var config = HfModelLoader.ReadConfig(final);
        if (config.Architecture != job.Model.Architecture)
        {
            throw new InvalidDataException($"{final}: architecture {config.Architecture}, the job trained {job.Model.Architecture}");
        }

        var startDir = Path.IsPathRooted(job.Model.Directory) ? job.Model.Directory : Path.Combine(jobDirectory, job.Model.Directory);
        using var trained = SafetensorsCheckpoint.Open(final);
        var shapes = trained.Tensors.ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
        if (!Directory.Exists(startDir))
        {
            return; // the job referenced a model that is not here; the loader's own checks still apply on use
        }

        using var start = SafetensorsCheckpoint.Open(startDir);
        var tied = config.TieWordEmbeddings;
        var missing = start.Tensors.Where(t => !shapes.ContainsKey(t.Name) && !(tied && t.Name == "lm_head.weight")).Select(t => t.Name).ToList();
        var unexpected = shapes.Keys.Where(n => !start.Contains(n) && !(tied && n == "lm_head.weight")).ToList();
        var reshaped = start.Tensors.Where(t => shapes.TryGetValue(t.Name, out var s) && !s.SequenceEqual(t.Shape)).Select(t => t.Name).ToList();
        if (missing.Count + unexpected.Count + reshaped.Count > 0)
        {
            throw new InvalidDataException($"{final}: tensors differ from the starting model's (missing: {List(missing)}; unexpected: {List(unexpected)}; other shape: {List(reshaped)})");
        }
    }

    private static TrainingLogEntry ToHyperfitEntry(JobRunLogEntry e, HfTokenizer tokenizer, string path)
    {
        double? ttr = null;
        if (e.ValGenIds.Count > 0 && e.ValGenIds[0].Length > 0)
        {
            // Hyperfit's own TTR of the ids, checked against the job's (same definition: last 96 tokens, mean).
            ttr = TypeTokenRatio.Mean(e.ValGenIds.ToList(), TypeTokenRatio.DefaultWindow);
            if (e.ValTtr is not { } logged || Math.Abs(logged - ttr.Value) > 1e-12)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: update {e.UpdateCounter}: val_ttr is {e.ValTtr}, but its val_gen_ids give {ttr}"));
            }
        }

        var texts = e.ValGenIds.Select(ids => tokenizer.Decode(ids)).ToList();
        return new TrainingLogEntry(e.TrainLoss, e.UpdateCounter, e.Epoch, e.ValLoss, e.ValEntropy, ttr, texts);
    }

    private static GreedyCheck CheckGreedy(string final, string jobDirectory, ScaleOutJob job, HyperfitRecipe recipe, JobRunLogEntry last, string device)
    {
        var data = JobData.Read(Path.Combine(jobDirectory, job.Data.File));
        var contexts = data.Validation.Select(s => (IReadOnlyList<int>)s[..recipe.TtrContextTokens]).ToList();
        using var model = HfModelLoader.Load(final, new ModelOptions(TorchSharp.torch.ScalarType.Float32, Runtime.ComputeDevice.Resolve(device)));
        model.eval();
        var generated = new TextGenerator(model, new GenerationConfig { MaxNewTokens = recipe.TtrGeneratedTokens })
            .Generate(contexts).Select(r => r.TokenIds).ToList();
        var equal = generated.Zip(last.ValGenIds).Count(p => p.First.SequenceEqual(p.Second));
        if (equal != generated.Count)
        {
            var first = generated.Zip(last.ValGenIds).Select((p, i) => (p, i)).First(x => !x.p.First.SequenceEqual(x.p.Second));
            var token = first.p.First.Zip(first.p.Second).TakeWhile(t => t.First == t.Second).Count();
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"greedy continuations of the imported model differ from the job's log for {generated.Count - equal} of {generated.Count} contexts (first: context {first.i}, token {token})"));
        }

        return new GreedyCheck(generated.Count, equal, recipe.TtrGeneratedTokens);
    }

    /// <summary>The config echo of <c>hyperfit train</c>'s log, plus where the run came from.</summary>
    private static JsonObject ConfigEcho(ScaleOutJob job, HyperfitRecipe recipe, JobRunConfig ran, string jobDirectory) => new()
    {
        ["recipe"] = recipe.ToJson(),
        ["data_hash"] = job.Data.DataHash,
        ["qualifying_documents"] = job.Data.QualifyingDocuments,
        ["total_documents"] = job.Data.TotalDocuments,
        ["model_identity"] = job.Model.Identity,
        ["model"] = job.Model.Source,
        ["data"] = job.Data.Source,
        ["text_field"] = job.Data.TextField,
        ["imported_from"] = new JsonObject
        {
            ["job"] = jobDirectory,
            ["job_id"] = job.JobId,
            ["engine"] = ran.Engine,
            ["world_size"] = ran.WorldSize,
            ["precision"] = ran.Precision,
            ["device"] = ran.Device,
            ["backend"] = ran.Backend,
            ["torch_version"] = ran.TorchVersion,
            ["transformers_version"] = ran.TransformersVersion,
            ["accelerate_version"] = ran.AccelerateVersion,
            ["python_version"] = ran.PythonVersion,
            ["resumed_at"] = new JsonArray([.. ran.ResumedAt.Select(u => (JsonNode)u)]),
        },
    };

    private static string List(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names.Take(5)) + (names.Count > 5 ? ", …" : "");

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
