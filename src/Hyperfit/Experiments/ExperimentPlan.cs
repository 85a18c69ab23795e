using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Hyperfit.Data;
using Hyperfit.Evaluation;
using Hyperfit.Generation;
using Hyperfit.Tokenization;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>The steps of a spec, in an order where every step comes after the steps it depends on, and where
/// each step's files live.</summary>
public sealed class ExperimentPlan
{
    public const string TokenizedDataFile = "dataset.jsonl";
    public const string ReferenceFile = "reference.jsonl";
    public const string GenerationsFile = "generations.jsonl";
    public const string MetricsFile = "metrics.json";
    public const string DownstreamFile = "downstream.json";
    public const string TokenizeStep = "tokenize-hyperfit-data";

    private readonly List<ExperimentStep> _steps = [];
    private readonly Dictionary<HyperfitDataset, string> _tokenizeSteps = [];
    private readonly ExperimentSpec _spec;
    private readonly string _out;

    private ExperimentPlan(ExperimentSpec spec, string output)
    {
        _spec = spec;
        _out = output;
    }

    public IReadOnlyList<ExperimentStep> Steps => _steps;

    /// <summary>The decoding configurations the plan generates with: the spec's, then one greedy configuration per
    /// §6.3 sweep model (<c>sweep_samples_N</c>).</summary>
    public IReadOnlyList<DecodingSpec> Decoding { get; private set; } = [];

    public string StepDir(string name) => Path.Combine(_out, ExperimentRunner.StepsFolder, name);

    public static string Seeded(string name, long seed) => string.Create(CultureInfo.InvariantCulture, $"{name}-s{seed}");

    /// <summary>The tokenize step of a variant's own data (<c>hyperfit.data</c>'s is <see cref="TokenizeStep"/>).</summary>
    public static string TokenizeDataStep(string variant) => $"{TokenizeStep}-{variant}";

    public static string PrepareStep(string set) => $"prepare-{set}";

    public static string TrainStep(string model, long seed) => Seeded($"train-{model}", seed);

    public static string GenerateStep(string decoding, string set, long seed) => Seeded($"generate-{decoding}-{set}", seed);

    public static string EvaluateStep(string decoding, string set, long seed) => Seeded($"evaluate-{decoding}-{set}", seed);

    public static string OriginalStep(string set) => $"original-{set}";

    /// <summary>Table 3 step; the base model's does not depend on the seed.</summary>
    public static string ReferenceStep(string model, string set, long seed) =>
        model == ExperimentSpec.BaseModel ? $"reference-base-{set}" : Seeded($"reference-{model}-{set}", seed);

    public static string AgreementStep(long seed) => Seeded("agreement", seed);

    public static string DownstreamStep(string benchmark, long seed) => Seeded($"downstream-{benchmark}", seed);

    public static string SweepDecoding(int samples) => $"sweep_{ExperimentSpec.SweepModel(samples)}";

    /// <summary>The folder of a model: the base model's, or a train step's <c>final</c>.</summary>
    public string ModelDir(string model, long seed) => model == ExperimentSpec.BaseModel
        ? _spec.BaseModelDir
        : _spec.Variant(model)?.ImportedModel ?? Path.Combine(StepDir(TrainStep(model, seed)), HyperfitTrainer.FinalDirectoryName);

    /// <summary>The step that tokenizes a dataset of the spec: <see cref="TokenizeStep"/> for <c>hyperfit.data</c>,
    /// <see cref="TokenizeDataStep"/> of the first variant hyperfitted on it otherwise.</summary>
    public string TokenizeStepOf(HyperfitDataset data) => _tokenizeSteps[data];

    /// <summary>The tokenized data (input_ids JSONL) a decoding's dataset metrics and citation blocker read.</summary>
    public string TokenizedDataFor(DecodingSpec decoding) => Path.Combine(StepDir(TokenizeStepOf(_spec.DatasetFor(decoding))), TokenizedDataFile);

    /// <summary>Builds every step the spec asks for. File contents are hashed here (data, context sets, base model)
    /// so an edited file reruns the steps that read it.</summary>
    public static ExperimentPlan Build(ExperimentSpec spec, string output)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var plan = new ExperimentPlan(spec, output);
        plan.AddAll();
        return plan;
    }

    private void AddAll()
    {
        var spec = _spec;
        var baseIdentity = ModelIdentity.Hash(spec.BaseModelDir);
        var tokenizerIdentity = TokenizerFingerprint.Compute(spec.BaseModelDir) ?? baseIdentity;
        var device = spec.Device;
        var decoding = spec.Decoding.ToList();
        if (spec.SampleSweep is { } sweep)
        {
            decoding.AddRange(sweep.Samples.Select(n => new DecodingSpec(SweepDecoding(n), ExperimentSpec.SweepModel(n), new GenerationConfig(), false)));
        }

        Decoding = decoding;
        var sweepLabels = decoding.Skip(spec.Decoding.Count).Select(d => d.Label).ToHashSet(StringComparer.Ordinal);

        // One tokenize step per distinct dataset, shared by the variants hyperfitted on it (§6.2: one per type of data).
        var dataHashes = new Dictionary<string, string>(StringComparer.Ordinal);
        string DataHash(HyperfitDataset data) => dataHashes.TryGetValue(data.File, out var h) ? h : dataHashes[data.File] = FileHash(data.File);
        foreach (var data in spec.Datasets)
        {
            var name = spec.HyperfitData == data.File && spec.HyperfitTextField == data.TextField
                ? TokenizeStep
                : TokenizeDataStep(spec.HyperfitVariants.First(v => v.Data == data).Label);
            _tokenizeSteps[data] = name;
            var d = data;
            Add(new ExperimentStep(name, StepKind.TokenizeData, [],
                new JsonObject { ["data"] = d.File, ["data_sha256"] = DataHash(d), ["text_field"] = d.TextField, ["tokenizer"] = tokenizerIdentity },
                run => ExperimentWork.TokenizeData(spec.BaseModelDir, d, Path.Combine(run.Directory, TokenizedDataFile))));
        }

        foreach (var set in spec.ContextSets)
        {
            var s = set;
            Add(new ExperimentStep(PrepareStep(s.Label), StepKind.Prepare, [],
                new JsonObject
                {
                    ["file"] = s.File, ["file_sha256"] = FileHash(s.File), ["text_field"] = s.TextField, ["context_tokens"] = s.ContextTokens,
                    ["contexts"] = s.Contexts, ["new_tokens"] = spec.NewTokens, ["tokenizer"] = tokenizerIdentity,
                },
                run => ExperimentWork.Prepare(spec.BaseModelDir, s, spec.NewTokens, Path.Combine(run.Directory, ReferenceFile))) { ContextSet = s.Label });
            if (spec.Wants("text"))
            {
                Add(new ExperimentStep(OriginalStep(s.Label), StepKind.Original, [PrepareStep(s.Label)], new JsonObject(),
                    run => ExperimentWork.Evaluate(new EvaluationRequest { GenerationsFile = Reference(s.Label) }, run)) { ContextSet = s.Label });
            }
        }

        var referenceModels = new[] { ExperimentSpec.BaseModel }.Concat(spec.Variants).ToList();
        foreach (var seed in spec.Seeds)
        {
            foreach (var model in spec.TrainedModels)
            {
                var (m, sd) = (model, seed);
                var recipe = spec.RecipeFor(m, sd);
                var data = spec.DatasetOf(m);
                if (spec.Variant(m)?.ImportedRun is { } imported)
                {
                    // Trained elsewhere (hyperfit import-run): the step only brings its log in; its identity is the
                    // imported model's, so a re-imported run reruns every step that used it.
                    Add(new ExperimentStep(TrainStep(m, sd), StepKind.Train, [],
                        new JsonObject
                        {
                            ["imported_run"] = imported, ["model_identity"] = ModelIdentity.Hash(ModelDir(m, sd)),
                            ["training_log_sha256"] = FileHash(Path.Combine(imported, TrainingLog.FileName)),
                        },
                        run => ExperimentWork.UseImportedRun(imported, run)) { Model = m, Seed = sd });
                    continue;
                }

                Add(new ExperimentStep(TrainStep(m, sd), StepKind.Train, [],
                    new JsonObject
                    {
                        ["base_model"] = spec.BaseModelDir, ["base_model_identity"] = baseIdentity, ["data"] = data.File,
                        ["data_sha256"] = DataHash(data), ["text_field"] = data.TextField, ["recipe"] = recipe.ToJson(), ["device"] = device,
                    },
                    run => ExperimentWork.Train(spec.BaseModelDir, data, recipe, device, run)) { Model = m, Seed = sd });
            }

            foreach (var d in decoding)
            {
                var isSweep = sweepLabels.Contains(d.Label);
                var sets = isSweep ? spec.ContextSets.Where(c => c.Label == spec.SampleSweep!.ContextSet) : spec.ContextSets;
                foreach (var set in sets)
                {
                    AddGeneration(d, set, seed, isSweep, baseIdentity, DataHash(spec.DatasetFor(d)));
                }
            }

            if (spec.Wants("reference"))
            {
                foreach (var model in referenceModels)
                {
                    foreach (var set in spec.ContextSets)
                    {
                        var name = ReferenceStep(model, set.Label, seed);
                        if (_steps.Any(x => x.Name == name))
                        {
                            continue; // the base model's step is shared by all seeds
                        }

                        var (m, sd, label) = (model, seed, set.Label);
                        Add(new ExperimentStep(name, StepKind.Reference, [PrepareStep(label), .. TrainDeps(m, sd)],
                            new JsonObject { ["model"] = ModelInput(m, baseIdentity), ["batch_size"] = spec.BatchSize, ["device"] = device },
                            run => ExperimentWork.Evaluate(new EvaluationRequest
                            {
                                GenerationsFile = Reference(label), ReferenceFile = Reference(label), ModelDirs = [ModelDir(m, sd)],
                                BatchSize = spec.BatchSize, ModelOptions = ExperimentWork.Options(device),
                            }, run)) { Model = m, ContextSet = label, Seed = sd });
                    }
                }
            }

            if (spec.Wants("agreement") && spec.Agreement is { } agreement)
            {
                var sd = seed;
                Add(new ExperimentStep(AgreementStep(sd), StepKind.Agreement,
                    [PrepareStep(agreement.ContextSet), .. agreement.Models.SelectMany(m => TrainDeps(m, sd))],
                    new JsonObject
                    {
                        ["models"] = new JsonArray([.. agreement.Models.Select(m => (JsonNode)ModelInput(m, baseIdentity))]),
                        ["context_set"] = agreement.ContextSet, ["batch_size"] = spec.BatchSize, ["device"] = device,
                    },
                    run => ExperimentWork.Evaluate(new EvaluationRequest
                    {
                        GenerationsFile = Reference(agreement.ContextSet), ReferenceFile = Reference(agreement.ContextSet),
                        ModelDirs = [.. agreement.Models.Select(m => ModelDir(m, sd))], BatchSize = spec.BatchSize,
                        ModelOptions = ExperimentWork.Options(device),
                    }, run)) { ContextSet = agreement.ContextSet, Seed = sd });
            }

            foreach (var downstream in spec.Downstream)
            {
                AddDownstream(downstream, seed, baseIdentity);
            }
        }
    }

    private void AddDownstream(DownstreamSpec downstream, long seed, string baseIdentity)
    {
        var spec = _spec;
        var settings = downstream.Settings;
        var modelDirs = downstream.Models.Select(m => ModelDir(m, seed)).ToList();
        Add(new ExperimentStep(DownstreamStep(downstream.Benchmark, seed), StepKind.Downstream, [.. downstream.Models.SelectMany(m => TrainDeps(m, seed))],
            new JsonObject
            {
                ["data"] = downstream.DataDir, ["data_sha256"] = FolderHash(downstream.DataDir),
                ["models"] = new JsonArray([.. downstream.Models.Select(m => (JsonNode)$"{m}={ModelInput(m, baseIdentity)}")]),
                ["scoring"] = settings.Scoring.ToString(), ["shots"] = new JsonArray([.. settings.Shots.Select(k => (JsonNode)k)]),
                ["tasks"] = downstream.Tasks is null ? null : new JsonArray([.. downstream.Tasks.Select(t => (JsonNode)t)]),
                ["split"] = downstream.Split, ["max_length"] = settings.MaxLength, ["batch_tokens"] = settings.BatchTokens,
                ["seed"] = settings.Seed, ["generate_tokens"] = settings.GenerateTokens, ["limit"] = settings.Limit, ["device"] = spec.Device,
            },
            run => ExperimentWork.Downstream(downstream.Request(modelDirs, ExperimentWork.Options(spec.Device)), Path.Combine(run.Directory, DownstreamFile), run))
        { Seed = seed });
    }

    /// <param name="dataHash">SHA-256 of the file of the decoding's dataset (<see cref="ExperimentSpec.DatasetFor"/>).</param>
    private void AddGeneration(DecodingSpec d, ContextSetSpec set, long seed, bool isSweep, string baseIdentity, string dataHash)
    {
        var spec = _spec;
        var tokenizeStep = TokenizeStepOf(spec.DatasetFor(d));
        var tokenizedData = TokenizedDataFor(d);
        var config = d.Config with { MaxNewTokens = spec.NewTokens, Seed = seed };
        var generate = GenerateStep(d.Label, set.Label, seed);
        var deps = new List<string> { PrepareStep(set.Label) };
        deps.AddRange(TrainDeps(d.Model, seed));
        if (d.BlockCitations)
        {
            deps.Add(tokenizeStep);
        }

        var modelDir = ModelDir(d.Model, seed);
        var configJson = new JsonObject
        {
            ["strategy"] = config.Strategy.ToString(), ["max_new_tokens"] = config.MaxNewTokens, ["temperature"] = config.Temperature,
            ["top_k"] = config.TopK, ["top_p"] = config.TopP, ["repetition_penalty"] = config.RepetitionPenalty,
            ["no_repeat_ngram_size"] = config.NoRepeatNgramSize, ["seed"] = config.Seed, ["citation_ngram"] = config.CitationNgram,
        };
        Add(new ExperimentStep(generate, StepKind.Generate, deps,
            new JsonObject
            {
                ["model"] = ModelInput(d.Model, baseIdentity), ["config"] = configJson, ["block_citations"] = d.BlockCitations,
                ["batch_size"] = spec.BatchSize, ["device"] = spec.Device,
            },
            run => ExperimentWork.Generate(modelDir, Reference(set.Label), config, d.BlockCitations ? tokenizedData : null, spec.BatchSize,
                spec.Device, Path.Combine(run.Directory, GenerationsFile), run)) { Decoding = d.Label, ContextSet = set.Label, Model = d.Model, Seed = seed });

        var wantsDataset = spec.Wants("dataset") && !isSweep;
        var wantsModel = spec.Wants("model") && !isSweep;
        var evalDeps = new List<string> { generate };
        if (wantsDataset)
        {
            evalDeps.Add(tokenizeStep);
        }

        Add(new ExperimentStep(EvaluateStep(d.Label, set.Label, seed), StepKind.Evaluate, evalDeps,
            new JsonObject { ["dataset"] = wantsDataset ? dataHash : null, ["model_metrics"] = wantsModel, ["batch_size"] = spec.BatchSize, ["device"] = spec.Device },
            run => ExperimentWork.Evaluate(new EvaluationRequest
            {
                GenerationsFile = Path.Combine(StepDir(generate), GenerationsFile),
                DatasetFile = wantsDataset ? tokenizedData : null,
                ModelDirs = wantsModel ? [modelDir] : [],
                BatchSize = spec.BatchSize,
                ModelOptions = ExperimentWork.Options(spec.Device),
            }, run)) { Decoding = d.Label, ContextSet = set.Label, Model = d.Model, Seed = seed });
    }

    private void Add(ExperimentStep step)
    {
        if (_steps.Any(s => s.Name == step.Name))
        {
            throw new InvalidDataException($"{_spec.SpecFile}: two steps would be named {step.Name} (rename a decoding or context set label)");
        }

        foreach (var dependency in step.DependsOn.Where(d => _steps.All(s => s.Name != d)))
        {
            throw new InvalidOperationException($"step {step.Name} depends on {dependency}, which is not planned before it");
        }

        _steps.Add(step);
    }

    private string Reference(string set) => Path.Combine(StepDir(PrepareStep(set)), ReferenceFile);

    private static IEnumerable<string> TrainDeps(string model, long seed) =>
        model == ExperimentSpec.BaseModel ? [] : [TrainStep(model, seed)];

    private static string ModelInput(string model, string baseIdentity) =>
        model == ExperimentSpec.BaseModel ? $"base:{baseIdentity}" : model; // a trained model's identity is its train step's hash

    /// <summary>SHA-256 over a data folder's files (relative names and contents, in name order): an edited benchmark
    /// file reruns the downstream step.</summary>
    private static string FolderHash(string folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(folder, file) + "\0"));
            sha.AppendData(Convert.FromHexString(FileHash(file)));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
