using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.HumanStudy;
using Hyperfit.IO;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>How a run ended: which steps ran and which were reused from their <c>done.json</c> markers, and the results.</summary>
public sealed record ExperimentOutcome(IReadOnlyList<string> Ran, IReadOnlyList<string> Skipped, string ResultsPath, string ReportPath)
{
    /// <summary>What results.json holds (text experiments).</summary>
    public ExperimentResults? Results { get; init; }

    /// <summary>What results.json holds (image experiments, <see cref="ImageExperimentRunner"/>).</summary>
    public ImageExperimentResults? ImageResults { get; init; }
}

/// <summary>
/// Runs an <see cref="ExperimentSpec"/> as a DAG of named steps (<see cref="ExperimentPlan"/>). The spec is checked
/// completely first (<see cref="ExperimentPreflight"/>: files, device, enough contexts), before anything is written.
/// Then the run takes OUT's exclusive lock (one writer; a second is refused naming the holder) and removes what dead
/// writers left half-written. Each step writes into <c>OUT/steps/&lt;name&gt;/</c>: first <c>started.json</c>, last
/// (atomically) <c>done.json</c>, both holding the hash of its inputs; a rerun skips a step whose done marker holds the
/// same hash, resumes a train step that stopped with a checkpoint and the same hash, and redoes (from an emptied folder)
/// any other. <c>OUT/spec.json</c> records the spec; another spec's folder is refused unless forced. After the steps the
/// figures are redrawn into <c>OUT/figures/</c> (<see cref="ExperimentFigures"/>), then results.json and report.md
/// written (<see cref="ExperimentReport"/>). With human votes, the study's own report goes to <c>OUT/human/</c> and its
/// preference numbers into Table 1 and 4.
/// </summary>
public static class ExperimentRunner
{
    public const string DoneFile = "done.json";
    public const string StartedFile = "started.json";
    public const string SpecFile = "spec.json";
    public const string StepsFolder = "steps";

    /// <summary>Where the human study's report (<see cref="StudyReport.Write"/>) goes inside OUT.</summary>
    public const string HumanFolder = "human";

    /// <param name="humanVotes">A human study of this run's generations: fills Table 1's Pref columns and Table 4.</param>
    /// <param name="cancellation">Ctrl-C / SIGTERM: the running step stops (a train step after a checkpoint, which the
    /// next run resumes) and <see cref="OperationCanceledException"/> is thrown; finished steps stay reusable.</param>
    /// <exception cref="FieldException">OUT holds another spec's results (or other files) and <paramref name="force"/> is
    /// false, or OUT is a file.</exception>
    /// <exception cref="IOException">Another process writes OUT.</exception>
    /// <exception cref="InvalidDataException">The spec asks for what its files cannot give (too few contexts), or the
    /// human votes belong to another spec, name a decoding, context set or seed the spec does not have, or contradict
    /// their items (all checked before any step runs).</exception>
    public static ExperimentOutcome Run(ExperimentSpec spec, string outDir, bool force = false, Action<string>? log = null, HumanVotes? humanVotes = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(outDir);
        log ??= _ => { };
        var output = Path.GetFullPath(outDir);
        if (File.Exists(output))
        {
            throw new FieldException(Fields.Output, $"output {outDir}: is a file; the run's output is a folder (steps/, spec.json, results.json, report.md)");
        }

        // Everything the spec can get wrong fails here, before the folder is created or touched.
        ExperimentPreflight.Check(spec);
        humanVotes?.CheckAgainst(spec.Hash, output, [.. spec.Decoding.Select(d => d.Label)], [.. spec.ContextSets.Select(c => c.Label)], spec.Seeds);
        var human = humanVotes?.CreateReport(); // before the steps: a broken study fails at once

        CheckOutputFolder(spec, output, force);
        using var folder = OutputLock.Acquire(output, "hyperfit run");
        if (folder.RemoveDebris() is { Count: > 0 } debris)
        {
            log($"removed {debris.Count} temporary file(s) of an interrupted earlier run in {output}");
        }

        var plan = ExperimentPlan.Build(spec, output);
        Directory.CreateDirectory(Path.Combine(output, StepsFolder));
        HfModelSaver.WriteAtomically(Path.Combine(output, SpecFile),
            JsonSerializer.Serialize(new SpecRecord(spec.Hash, spec.SpecFile, (JsonObject)spec.Json.DeepClone()), ExperimentJsonContext.Default.SpecRecord) + "\n");

        var (ran, skipped, timings) = RunSteps(plan.Steps, plan.StepDir, log, cancellation);

        var figureFailures = ExperimentFigures.Write(spec, plan, output, log);
        if (human is not null)
        {
            human.Write(Path.Combine(output, HumanFolder));
            log($"human study: {human.CountedVotes} counted votes on {human.Items} items from {humanVotes!.StudyDir}; its report in {Path.Combine(output, HumanFolder)}");
        }

        var (results, markdown) = ExperimentReport.Build(spec, plan, figureFailures, human, timings);
        var resultsPath = Path.Combine(output, ResultsFile.FileName);
        var reportPath = Path.Combine(output, "report.md");
        ResultsFile.Write(resultsPath, results);
        HfModelSaver.WriteAtomically(reportPath, markdown);
        log($"wrote {resultsPath} and {reportPath} ({ran.Count} steps ran, {skipped.Count} reused)");
        return new ExperimentOutcome(ran, skipped, resultsPath, reportPath) { Results = results };
    }

    /// <summary>Runs <paramref name="steps"/> in order (see the class summary for reuse and resume), writing each
    /// step's markers; returns what ran, what was reused and every step's timing.</summary>
    internal static (List<string> Ran, List<string> Skipped, List<StepTiming> Timings) RunSteps(IReadOnlyList<ExperimentStep> steps, Func<string, string> stepDir,
        Action<string> log, CancellationToken cancellation)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var ran = new List<string>();
        var skipped = new List<string>();
        var timings = new List<StepTiming>();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var hash = InputHash(step, hashes);
            hashes[step.Name] = hash;
            var dir = stepDir(step.Name);
            var prefix = string.Create(CultureInfo.InvariantCulture, $"[{i + 1}/{steps.Count}] {step.Name}");
            if (ReadMarker(Path.Combine(dir, DoneFile)) is { } done && done.InputsHash == hash)
            {
                log($"{prefix}: done earlier, skipped");
                skipped.Add(step.Name);
                timings.Add(new StepTiming(step.Name, done.Seconds ?? 0, done.FinishedUtc ?? "", Reused: true));
                continue;
            }

            cancellation.ThrowIfCancellationRequested();
            // A train step stopped by a signal or a kill left a checkpoint: with the same inputs it continues from there.
            var resume = step.Kind == StepKind.Train && ReadMarker(Path.Combine(dir, StartedFile))?.InputsHash == hash
                         && TrainingCheckpoint.Find(dir) is not null;
            if (resume)
            {
                log($"{prefix}: resuming from its checkpoint");
            }
            else
            {
                log($"{prefix}: running");
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true); // stale or unfinished results: start clean
                }

                Directory.CreateDirectory(dir);
                WriteMarker(Path.Combine(dir, StartedFile), new StepMarker
                {
                    Step = step.Name, InputsHash = hash, StartedUtc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                });
            }

            var clock = Stopwatch.StartNew();
            try
            {
                step.Run(new StepRun(dir, resume, line => log($"    {line}"), cancellation));
            }
            catch (OperationCanceledException e)
            {
                log($"{prefix}: stopped ({e.Message})");
                throw;
            }

            var seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
            var finished = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            WriteMarker(Path.Combine(dir, DoneFile), new StepMarker
            {
                Step = step.Name,
                InputsHash = hash,
                Inputs = (JsonObject)step.Inputs.DeepClone(),
                DependsOn = step.DependsOn,
                Seconds = seconds,
                FinishedUtc = finished,
            });
            log(string.Create(CultureInfo.InvariantCulture, $"{prefix}: finished in {seconds:F1} s"));
            ran.Add(step.Name);
            timings.Add(new StepTiming(step.Name, seconds, finished, Reused: false));
        }

        return (ran, skipped, timings);
    }

    /// <summary>SHA-256 over the step's name, its inputs and its dependencies' input hashes (so a change upstream
    /// reaches every step downstream).</summary>
    public static string InputHash(ExperimentStep step, IReadOnlyDictionary<string, string> dependencyHashes)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(dependencyHashes);
        var material = new JsonObject
        {
            ["step"] = step.Name,
            ["inputs"] = step.Inputs.DeepClone(),
            ["depends_on"] = new JsonObject(step.DependsOn.Select(d => KeyValuePair.Create(d, (JsonNode?)dependencyHashes[d]))),
        };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material.ToJsonString())));
    }

    /// <summary>A step marker, or null when absent or damaged (a damaged marker means "not done").</summary>
    private static StepMarker? ReadMarker(string path)
    {
        try
        {
            return File.Exists(path) ? StrictJson.Read(path, ExperimentJsonContext.Default.StepMarker) : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static void WriteMarker(string path, StepMarker marker) =>
        HfModelSaver.WriteAtomically(path, JsonSerializer.Serialize(marker, ExperimentJsonContext.Default.StepMarker) + "\n");

    internal static void CheckOutputFolder(ExperimentSpec spec, string output, bool force) => CheckOutputFolder(spec.Hash, output, force);

    internal static void CheckOutputFolder(string specHash, string output, bool force)
    {
        var specPath = Path.Combine(output, SpecFile);
        if (File.Exists(specPath))
        {
            string? stored;
            try
            {
                stored = StrictJson.Read(specPath, ExperimentJsonContext.Default.SpecRecord).SpecHash;
            }
            catch (InvalidDataException)
            {
                stored = null;
            }

            if (stored != specHash && !force)
            {
                throw new FieldException(Fields.Force,
                    $"force is off, but {output} holds the results of a different spec ({specPath}: spec hash {stored?[..Math.Min(12, stored.Length)] ?? "unreadable"}…, this spec {specHash[..12]}…); choose another output folder or force it (finished steps whose inputs did not change are reused)");
            }
        }
        else if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(e => !IsLockFile(Path.GetFileName(e))) && !force)
        {
            throw new FieldException(Fields.Force, $"force is off, but {output} is not empty and holds no {SpecFile}; choose another output folder or force it");
        }
    }

    /// <summary>The lock's own files (left by an earlier run that failed before writing spec.json) do not make a folder "not empty".</summary>
    private static bool IsLockFile(string name) => name is OutputLock.FileName or OutputLock.OwnerFileName;
}
