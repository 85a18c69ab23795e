using Hyperfit.Checkpoints;
using Hyperfit.Tokenization;

namespace Hyperfit.Evaluation.Downstream;

/// <summary><c>hyperfit downstream</c>'s job (and the experiment runner's): reads and checks the data and every model's
/// tokenizer before any model runs, then evaluates each model in turn on the same questions.</summary>
public static class DownstreamRun
{
    /// <summary>The reference implementations matched (docs/downstream.md says what each one fixes).</summary>
    public const string OfficialReference = "hendrycks/test evaluate_hf.py @ f7b9140 (official MMLU prompt; arg-max over the logits of tokenizer(letter).input_ids[-1])";

    public const string HarnessReference = "EleutherAI/lm-evaluation-harness @ 4e7e0d4 (task YAMLs mmlu/default, glue/*/default; _encode_pair tokenization; acc, acc_norm)";

    public const string GenerateReference = "lm-evaluation-harness @ 4e7e0d4 prompts; greedy answer, first answer word (Hyperfit's rule)";

    /// <param name="predictions">Receives every question's answer when given.</param>
    /// <exception cref="InvalidDataException">Bad data: one line naming the file.</exception>
    /// <exception cref="ArgumentException">Inconsistent options.</exception>
    public static DownstreamReport Run(DownstreamRequest request, ICollection<DownstreamPrediction>? predictions = null,
        IProgress<DownstreamProgress>? progress = null, Action<string>? log = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        log ??= _ => { };
        request.Validate();
        var settings = request.Settings;
        // Everything that can fail on bad input fails here, before a model is loaded (and before anything is printed).
        var (mmlu, glue, summary) = LoadData(request);

        var tokenizers = request.ModelDirs.Select(dir =>
        {
            var config = HfModelLoader.ReadConfig(dir);
            var tokenizer = HfTokenizer.Load(dir);
            tokenizer.ValidateAgainstModel(config.VocabSize, dir);
            DownstreamEngine.ResolveMaxLength(config, settings.MaxLength);
            return tokenizer;
        }).ToArray();
        summary.ForEach(log);

        var names = request.ModelNames ?? ModelNames(request.ModelDirs);
        var models = new List<DownstreamModelResult>();
        for (var m = 0; m < request.ModelDirs.Count; m++)
        {
            cancellation.ThrowIfCancellationRequested();
            var dir = request.ModelDirs[m];
            var name = names[m];
            log($"loading {dir}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var model = HfModelLoader.Load(dir, request.ModelOptions);
            model.eval();
            models.Add(mmlu is not null
                ? new DownstreamModelResult(dir, name, MmluEvaluation.Run(model, tokenizers[m], name, mmlu, settings, predictions, progress, cancellation), null, clock.Elapsed.TotalSeconds)
                : new DownstreamModelResult(dir, name, null, GlueEvaluation.Run(model, tokenizers[m], name, glue, settings, predictions, progress, cancellation), clock.Elapsed.TotalSeconds));
        }

        return Report(request, settings, mmlu, glue, models);
    }

    /// <summary>Reads and checks the benchmark's data as <see cref="Run"/> will (an experiment's preflight calls it
    /// before any step runs).</summary>
    /// <exception cref="InvalidDataException">Bad data: one line naming the file.</exception>
    public static (MmluDataset? Mmlu, GlueDataset[] Glue, List<string> Summary) LoadData(DownstreamRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var maxShots = request.Settings.Shots.Max();
        var summary = new List<string>();
        MmluDataset? mmlu = null;
        GlueDataset[] glue = [];
        if (request.Benchmark == DownstreamRequest.Mmlu)
        {
            mmlu = MmluDataset.Load(request.DataDir, request.Split, maxShots);
            summary.Add($"{mmlu.QuestionCount} questions in {mmlu.Subjects.Count} subjects ({mmlu.Layout}, {mmlu.Split})");
        }
        else
        {
            var tasks = (request.Tasks ?? GlueTask.All.Select(t => t.Name)).Select(GlueTask.Get).ToArray();
            glue = [.. tasks.Select(t => GlueDataset.Load(request.DataDir, t, withTrain: maxShots > 0))];
            foreach (var data in glue)
            {
                if (maxShots > data.Train.Count)
                {
                    throw new InvalidDataException($"{data.ValidationFile}: {maxShots} shots asked for but the {data.Task.Name} training split has {data.Train.Count} examples");
                }

                summary.Add($"{data.Task.Name}: {data.Validation.Count} dev and {data.Train.Count} training examples ({data.Layout})");
            }
        }

        return (mmlu, glue, summary);
    }

    /// <summary>Table labels: each folder's name; a trainer's <c>final</c> folder is named with its run folder
    /// (<c>run/final</c>); labels that still clash get their position (<c>#2</c>).</summary>
    public static IReadOnlyList<string> ModelNames(IReadOnlyList<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var names = directories.Select(dir =>
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
            var name = Path.GetFileName(full);
            return name == Training.HyperfitTrainer.FinalDirectoryName
                ? $"{Path.GetFileName(Path.GetDirectoryName(full))}/{name}"
                : name;
        }).ToArray();
        return [.. names.Select((n, i) => names.Count(o => o == n) > 1 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{n} #{i + 1}") : n)];
    }

    private static DownstreamReport Report(DownstreamRequest request, DownstreamSettings settings, MmluDataset? mmlu, GlueDataset[] glue,
        List<DownstreamModelResult> models)
    {
        return new DownstreamReport(
            request.Benchmark,
            settings.Scoring.ToString().ToLowerInvariant(),
            settings.Scoring switch
            {
                DownstreamScoring.Official => OfficialReference,
                DownstreamScoring.Harness => HarnessReference,
                _ => GenerateReference,
            },
            request.DataDir,
            mmlu?.Layout ?? string.Join(",", glue.Select(g => g.Layout)),
            mmlu?.Split ?? "validation",
            settings.Shots,
            mmlu is null ? [.. glue.Select(g => g.Task.Name)] : null,
            settings.MaxLength,
            mmlu is null ? settings.Seed : null,
            settings.Scoring == DownstreamScoring.Generate ? settings.GenerateTokens : null,
            settings.Limit,
            models);
    }
}
