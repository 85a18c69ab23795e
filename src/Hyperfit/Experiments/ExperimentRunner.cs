using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Checkpoints;
using Hyperfit.HumanStudy;

namespace Hyperfit.Experiments;

/// <summary>How a run ended: which steps ran and which were reused from their <c>done.json</c> markers.</summary>
public sealed record ExperimentOutcome(IReadOnlyList<string> Ran, IReadOnlyList<string> Skipped, string ResultsPath, string ReportPath);

/// <summary>
/// Runs an <see cref="ExperimentSpec"/> as a DAG of named steps (<see cref="ExperimentPlan"/>). Each step writes into
/// <c>OUT/steps/&lt;name&gt;/</c> and finishes by writing <c>done.json</c> (atomically, last) holding the hash of its
/// inputs; a rerun skips a step whose marker holds the same hash and redoes (from an emptied folder) one whose inputs
/// changed. <c>OUT/spec.json</c> records the spec; another spec's folder is refused unless forced. After the steps the
/// figures are redrawn into <c>OUT/figures/</c> (<see cref="ExperimentFigures"/>), then results.json and report.md written.
/// With human votes, the study's own report goes to <c>OUT/human/</c> and its preference numbers into Table 1 and 4.
/// </summary>
public static class ExperimentRunner
{
    public const string DoneFile = "done.json";
    public const string SpecFile = "spec.json";
    public const string StepsFolder = "steps";

    /// <summary>Where the human study's report (<see cref="StudyReport.Write"/>) goes inside OUT.</summary>
    public const string HumanFolder = "human";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="humanVotes">A human study of this run's generations: fills Table 1's Pref columns and Table 4.</param>
    /// <exception cref="IOException">OUT holds another spec's results and <paramref name="force"/> is false.</exception>
    /// <exception cref="InvalidDataException">The human votes belong to another spec, name a decoding, context set or
    /// seed the spec does not have, or contradict their items (checked before any step runs).</exception>
    public static ExperimentOutcome Run(ExperimentSpec spec, string outDir, bool force = false, Action<string>? log = null, HumanVotes? humanVotes = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        log ??= _ => { };
        var output = Path.GetFullPath(outDir);
        CheckOutputFolder(spec, output, force);
        humanVotes?.CheckAgainst(spec.Hash, output, [.. spec.Decoding.Select(d => d.Label)], [.. spec.ContextSets.Select(c => c.Label)], spec.Seeds);
        var human = humanVotes?.CreateReport(); // before the steps: a broken study fails at once
        var plan = ExperimentPlan.Build(spec, output, line => log($"    {line}"));
        Directory.CreateDirectory(Path.Combine(output, StepsFolder));
        HfModelSaver.WriteAtomically(Path.Combine(output, SpecFile), new JsonObject
        {
            ["spec_hash"] = spec.Hash,
            ["spec_file"] = spec.SpecFile,
            ["spec"] = spec.Json.DeepClone(),
        }.ToJsonString(Indented) + "\n");

        var (ran, skipped) = RunSteps(plan.Steps, plan.StepDir, log);

        var figureFailures = ExperimentFigures.Write(spec, plan, output, log);
        if (human is not null)
        {
            human.Write(Path.Combine(output, HumanFolder));
            log($"human study: {human.CountedVotes} counted votes on {human.Items} items from {humanVotes!.StudyDir}; its report in {Path.Combine(output, HumanFolder)}");
        }

        var (results, markdown) = ExperimentReport.Build(spec, plan, figureFailures, human);
        var resultsPath = Path.Combine(output, "results.json");
        var reportPath = Path.Combine(output, "report.md");
        HfModelSaver.WriteAtomically(resultsPath, results.ToJsonString(Indented) + "\n");
        HfModelSaver.WriteAtomically(reportPath, markdown);
        log($"wrote {resultsPath} and {reportPath} ({ran.Count} steps ran, {skipped.Count} reused)");
        return new ExperimentOutcome(ran, skipped, resultsPath, reportPath);
    }

    /// <summary>Runs <paramref name="steps"/> in order, each into its (emptied) folder, skipping those whose done marker
    /// holds the same input hash; writes each marker last. Shared by text and image experiments.</summary>
    internal static (List<string> Ran, List<string> Skipped) RunSteps(IReadOnlyList<ExperimentStep> steps, Func<string, string> stepDir, Action<string> log)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var ran = new List<string>();
        var skipped = new List<string>();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var hash = InputHash(step, hashes);
            hashes[step.Name] = hash;
            var dir = stepDir(step.Name);
            var prefix = string.Create(CultureInfo.InvariantCulture, $"[{i + 1}/{steps.Count}] {step.Name}");
            if (ReadDoneHash(dir) == hash)
            {
                log($"{prefix}: done earlier, skipped");
                skipped.Add(step.Name);
                continue;
            }

            log($"{prefix}: running");
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true); // stale or unfinished results: start clean
            }

            Directory.CreateDirectory(dir);
            var clock = Stopwatch.StartNew();
            step.Run(dir);
            HfModelSaver.WriteAtomically(Path.Combine(dir, DoneFile), new JsonObject
            {
                ["step"] = step.Name,
                ["inputs_hash"] = hash,
                ["inputs"] = step.Inputs.DeepClone(),
                ["depends_on"] = new JsonArray([.. step.DependsOn.Select(d => (JsonNode)d)]),
                ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                ["finished_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            }.ToJsonString(Indented) + "\n");
            log(string.Create(CultureInfo.InvariantCulture, $"{prefix}: finished in {clock.Elapsed.TotalSeconds:F1} s"));
            ran.Add(step.Name);
        }

        return (ran, skipped);
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

    private static string? ReadDoneHash(string dir)
    {
        var path = Path.Combine(dir, DoneFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["inputs_hash"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null; // a damaged marker means "not done"
        }
    }

    internal static void CheckOutputFolder(ExperimentSpec spec, string output, bool force) => CheckOutputFolder(spec.Hash, output, force);

    internal static void CheckOutputFolder(string specHash, string output, bool force)
    {
        var specPath = Path.Combine(output, SpecFile);
        if (File.Exists(specPath))
        {
            string? stored;
            try
            {
                stored = JsonNode.Parse(File.ReadAllText(specPath))?["spec_hash"]?.GetValue<string>();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                stored = null;
            }

            if (stored != specHash && !force)
            {
                throw new IOException(
                    $"{output} holds the results of a different spec ({specPath}: spec hash {stored?[..Math.Min(12, stored.Length)] ?? "unreadable"}…, this spec {specHash[..12]}…); choose another --out or pass --force (finished steps whose inputs did not change are reused)");
            }
        }
        else if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !force)
        {
            throw new IOException($"{output} is not empty and holds no {SpecFile}; choose another --out or pass --force");
        }
    }
}
