using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hyperfit.Data;
using Hyperfit.Generation;
using Hyperfit.IO;
using Hyperfit.Training;

namespace Hyperfit.Experiments;

/// <summary>A context set (Table 1's Fiction / Wikipedia / BBC News): the first <see cref="Contexts"/> documents with at
/// least <see cref="ContextTokens"/> + new-tokens tokens give the contexts and their original continuations.</summary>
public sealed record ContextSetSpec(string Label, string File, string TextField, int ContextTokens, int Contexts);

/// <summary>One decoding configuration: a model (base or a trained variant) and its generation settings.</summary>
public sealed record DecodingSpec(string Label, string Model, GenerationConfig Config, bool BlockCitations)
{
    /// <summary>A base-model decoding's <c>dataset</c> key: the variant whose hyperfitting data its dataset metrics and
    /// citation blocker use (null: the spec's default, see <see cref="ExperimentSpec.DatasetFor"/>).</summary>
    public string? Dataset { get; init; }
}

/// <summary>§6.3: models hyperfitted on these sample counts with a constant number of updates.</summary>
public sealed record SampleSweepSpec(IReadOnlyList<int> Samples, int MaxUpdates, string ContextSet);

/// <summary>§6.1: the top-1 agreement matrix of these models on the original texts of a context set.</summary>
public sealed record AgreementSpec(IReadOnlyList<string> Models, string ContextSet);

/// <summary>
/// An experiment: the base model, the hyperfitting data and recipe, the model variants to train (each on the shared
/// data or on its own, §6.2), context sets, decoding configurations, metrics, seeds and output sizes. Read from a
/// snake_case JSON file (<see cref="Load"/>); relative paths resolve against the spec file's folder; everything is
/// validated before any work starts. See docs/experiments.md.
/// </summary>
public sealed record ExperimentSpec
{
    /// <summary>The always-present model: the base model itself.</summary>
    public const string BaseModel = "base";

    /// <summary>§4/§6.1 variants a spec may list under <c>hyperfit.variants</c>.</summary>
    public static readonly IReadOnlyDictionary<string, DataVariant> KnownVariants = new Dictionary<string, DataVariant>(StringComparer.Ordinal)
    {
        ["hyperfitted"] = DataVariant.None,
        ["shuffle1"] = DataVariant.Shuffle1,
        ["shuffle_all"] = DataVariant.ShuffleAll,
    };

    /// <summary>Metric groups a spec may ask for.</summary>
    public static readonly IReadOnlyList<string> KnownMetrics = ["text", "dataset", "model", "reference", "agreement", "sweep"];

    public required string SpecFile { get; init; }

    /// <summary>SHA-256 of the spec's canonical JSON: identifies the spec in <c>OUT/spec.json</c>.</summary>
    public required string Hash { get; init; }

    public required JsonObject Json { get; init; }

    public required string BaseModelDir { get; init; }

    /// <summary><c>hyperfit.data</c>: the data of every variant without its own and of the §6.3 sweep. Always set
    /// when <c>hyperfit.variants</c> is a list; optional when it is an object whose entries name their own data.</summary>
    public string? HyperfitData { get; init; }

    public string HyperfitTextField { get; init; } = "text";

    /// <summary>The hyperfitting recipe (paper preset, then a recipe file or inline overrides); seed and variant are set per model.</summary>
    public required HyperfitRecipe Recipe { get; init; }

    /// <summary>Trained variants in spec order, each with its data and recipe.</summary>
    public IReadOnlyList<HyperfitVariantSpec> HyperfitVariants { get; init; } = [];

    /// <summary>The variants' labels (their model names) in spec order: <c>hyperfitted</c>, <c>shuffle1</c>,
    /// <c>shuffle_all</c> for a list, the object's keys otherwise.</summary>
    public IReadOnlyList<string> Variants => [.. HyperfitVariants.Select(v => v.Label)];

    /// <summary>Every distinct hyperfitting dataset: <c>hyperfit.data</c> (when set), then the variants' own, in spec order.</summary>
    public IReadOnlyList<HyperfitDataset> Datasets =>
        [.. (HyperfitData is null ? [] : new[] { new HyperfitDataset(HyperfitData, HyperfitTextField) }).Concat(HyperfitVariants.Select(v => v.Data)).Distinct()];

    /// <summary>The data base-model decodings compare with unless they name a variant (their <c>dataset</c> key):
    /// <c>hyperfit.data</c>, else the first variant's.</summary>
    public HyperfitDataset DefaultDataset => Datasets[0];

    public SampleSweepSpec? SampleSweep { get; init; }

    public required IReadOnlyList<ContextSetSpec> ContextSets { get; init; }

    public required IReadOnlyList<DecodingSpec> Decoding { get; init; }

    public AgreementSpec? Agreement { get; init; }

    public required IReadOnlyList<string> Metrics { get; init; }

    public IReadOnlyList<long> Seeds { get; init; } = [42];

    /// <summary>§4: 224 generated tokens.</summary>
    public int NewTokens { get; init; } = 224;

    public int BatchSize { get; init; } = 8;

    /// <summary>Contexts per set shown side by side in the report.</summary>
    public int SamplesPerSet { get; init; } = 3;

    /// <summary>Decoding labels shown side by side (default: base greedy, top-p sampling, hyperfitted greedy and the
    /// citation-blocked one, those the spec has).</summary>
    public IReadOnlyList<string> SideBySide { get; init; } = [];

    public string Device { get; init; } = "cpu";

    /// <summary>Appendix B.4: MMLU (Table 7) and GLUE (Table 8) runs of base vs hyperfitted models, in spec order.</summary>
    public IReadOnlyList<DownstreamSpec> Downstream { get; init; } = [];

    public bool Wants(string metric) => Metrics.Contains(metric, StringComparer.Ordinal);

    /// <summary>Model name of a sweep variant trained on <paramref name="samples"/> samples.</summary>
    public static string SweepModel(int samples) => string.Create(CultureInfo.InvariantCulture, $"samples_{samples}");

    /// <summary>Every trained model name: the variants, then the sweep's.</summary>
    public IEnumerable<string> TrainedModels => Variants.Concat(SampleSweep?.Samples.Select(SweepModel) ?? []);

    /// <summary>The variant with this label, or null (the base model, a sweep model).</summary>
    public HyperfitVariantSpec? Variant(string model) => HyperfitVariants.FirstOrDefault(v => v.Label == model);

    /// <summary>The data a trained model is hyperfitted on (a sweep model's: <c>hyperfit.data</c>).</summary>
    public HyperfitDataset DatasetOf(string model) =>
        Variant(model)?.Data ?? (model != BaseModel && HyperfitData is not null
            ? new HyperfitDataset(HyperfitData, HyperfitTextField)
            : throw new ArgumentException($"'{model}' is not a trained model of {SpecFile}", nameof(model)));

    /// <summary>The data a decoding's dataset metrics and citation blocker use: the data its model was hyperfitted on;
    /// for a base-model decoding the variant named by its <c>dataset</c> key, else <see cref="DefaultDataset"/>.</summary>
    public HyperfitDataset DatasetFor(DecodingSpec decoding)
    {
        ArgumentNullException.ThrowIfNull(decoding);
        return decoding.Model == BaseModel
            ? decoding.Dataset is { } label ? DatasetOf(label) : DefaultDataset
            : DatasetOf(decoding.Model);
    }

    /// <summary>The recipe of a trained model for a seed.</summary>
    public HyperfitRecipe RecipeFor(string model, long seed)
    {
        if (Variant(model) is { } variant)
        {
            return variant.ImportedRun is null ? variant.Recipe with { Seed = seed } : variant.Recipe; // an imported run keeps its own seed
        }

        var samples = SampleSweep!.Samples.Single(n => SweepModel(n) == model);
        return Recipe with { Samples = samples, MaxUpdates = SampleSweep.MaxUpdates, Variant = DataVariant.None, Seed = seed };
    }

    /// <param name="overrides">Top-level keys replaced before validation (e.g. <c>base_model</c>); they become part of
    /// the spec and its hash, so results of the file as written and of the overridden spec are never mixed.</param>
    public static ExperimentSpec Load(string path, IReadOnlyDictionary<string, JsonNode?>? overrides = null)
    {
        var full = Path.GetFullPath(path);
        if (!System.IO.File.Exists(full))
        {
            throw new FileNotFoundException($"{path}: spec file not found", path);
        }

        return Parse(System.IO.File.ReadAllText(full), full, overrides);
    }

    /// <summary>Parses and validates; <paramref name="specFile"/> names the file in errors and anchors relative paths.</summary>
    /// <exception cref="InvalidDataException">One line naming the file and the key.</exception>
    public static ExperimentSpec Parse(string json, string specFile, IReadOnlyDictionary<string, JsonNode?>? overrides = null)
    {
        JsonObject root;
        try
        {
            // Duplicate keys (two decodings or variants with one label) are an error, not "the last one wins".
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false })?.AsObject()
                   ?? throw new InvalidDataException($"{specFile}: expected a JSON object");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{specFile}: invalid JSON ({StrictJson.FirstLine(e.Message)})", e);
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, JsonNode?>())
        {
            root[key] = value?.DeepClone();
        }

        return new Reader(specFile).Read(root);
    }

    /// <summary>Walks the JSON with strict keys and types; every error names the file and the key path.</summary>
    private sealed class Reader(string file)
    {
        private static readonly string[] RootKeys =
            ["name", "description", "base_model", "hyperfit", "context_sets", "decoding", "agreement", "metrics", "seeds", "new_tokens",
             "batch_size", "samples_per_set", "side_by_side", "device", "downstream"];

        private static readonly string[] HyperfitKeys = ["data", "text_field", "recipe", "variants", "sample_sweep"];
        private static readonly string[] SweepKeys = ["samples", "max_updates", "context_set"];
        private static readonly string[] ContextKeys = ["file", "text_field", "context_tokens", "contexts"];
        private static readonly string[] AgreementKeys = ["models", "context_set"];
        private static readonly string[] DownstreamKeys =
            ["data", "models", "scoring", "shots", "tasks", "split", "max_length", "batch_tokens", "seed", "generate_tokens", "limit"];
        private static readonly string[] VariantKeys = ["data", "text_field", "variant", "recipe", "imported_run"];

        /// <summary>Keys an imported run may not set: it was trained with the recipe in its own log.</summary>
        private static readonly string[] ImportedRunForbiddenKeys = ["recipe", "variant"];

        /// <summary>Recipe keys a variant's overrides may not set: the data variant and the seeds have their own keys.</summary>
        private static readonly string[] FixedRecipeKeys = ["variant", "seed"];

        private static readonly string[] DecodingKeys =
            ["model", "strategy", "temperature", "top_k", "top_p", "repetition_penalty", "no_repeat_ngram_size", "citation_ngram", "block_citations", "dataset"];

        private readonly string _folder = Path.GetDirectoryName(file)!;

        public ExperimentSpec Read(JsonObject root)
        {
            Keys(root, RootKeys, "");
            var baseModel = PathOf(Required(root, "base_model", ""), "base_model", directory: true);
            if (!System.IO.File.Exists(Path.Combine(baseModel, "config.json")))
            {
                throw Error($"base_model: {baseModel} has no config.json");
            }

            var hyperfit = Obj(Required(root, "hyperfit", ""), "hyperfit");
            Keys(hyperfit, HyperfitKeys, "hyperfit.");
            var listed = hyperfit["variants"] is null or JsonArray;
            // A list of variants hyperfits them all on hyperfit.data; an object's entries may bring their own data.
            var data = listed || hyperfit["data"] is not null
                ? PathOf(Required(hyperfit, "data", "hyperfit."), "hyperfit.data", directory: false)
                : null;
            var textField = Str(hyperfit["text_field"], "hyperfit.text_field") ?? "text";
            var recipe = ReadRecipe(hyperfit["recipe"], "hyperfit.recipe", basis: null);
            var hyperfitVariants = listed
                ? ReadVariantList(hyperfit["variants"], new HyperfitDataset(data!, textField), recipe)
                : ReadVariantObject(hyperfit["variants"], data is null ? null : new HyperfitDataset(data, textField), recipe);
            var variants = hyperfitVariants.Select(v => v.Label).ToList();

            var sets = new List<ContextSetSpec>();
            var setsNode = Obj(Required(root, "context_sets", ""), "context_sets");
            foreach (var (label, node) in setsNode)
            {
                var where = $"context_sets.{label}";
                var o = Obj(node, where);
                Keys(o, ContextKeys, where + ".");
                sets.Add(new ContextSetSpec(label, PathOf(Required(o, "file", where + "."), where + ".file", directory: false),
                    Str(o["text_field"], where + ".text_field") ?? "text",
                    Int(o["context_tokens"], where + ".context_tokens", min: 1) ?? 32,
                    Int(o["contexts"], where + ".contexts", min: 1) ?? 100));
            }

            if (sets.Count == 0)
            {
                throw Error("context_sets: at least one context set is needed");
            }

            SampleSweepSpec? sweep = null;
            if (hyperfit["sample_sweep"] is { } sweepNode)
            {
                if (data is null)
                {
                    throw Error("hyperfit.sample_sweep: the sweep's models are hyperfitted on hyperfit.data, which is not set");
                }

                var o = Obj(sweepNode, "hyperfit.sample_sweep");
                Keys(o, SweepKeys, "hyperfit.sample_sweep.");
                var samples = IntList(Required(o, "samples", "hyperfit.sample_sweep."), "hyperfit.sample_sweep.samples", min: 1);
                Unique(samples.Select(s => s.ToString(CultureInfo.InvariantCulture)).ToList(), "hyperfit.sample_sweep.samples");
                sweep = new SampleSweepSpec(samples, Int(Required(o, "max_updates", "hyperfit.sample_sweep."), "hyperfit.sample_sweep.max_updates", min: 1)!.Value,
                    SetLabel(o["context_set"], "hyperfit.sample_sweep.context_set", sets) ?? sets[0].Label);
            }

            var models = new HashSet<string>(StringComparer.Ordinal) { BaseModel };
            models.UnionWith(variants);
            foreach (var sweepModel in sweep?.Samples.Select(SweepModel) ?? [])
            {
                if (!models.Add(sweepModel))
                {
                    throw Error($"hyperfit.variants.{sweepModel}: the label is the name of a hyperfit.sample_sweep model; choose another");
                }
            }

            var decoding = new List<DecodingSpec>();
            foreach (var (label, node) in Obj(Required(root, "decoding", ""), "decoding"))
            {
                decoding.Add(ReadDecoding(label, node, models, variants));
            }

            var metrics = StrList(root["metrics"], "metrics") ?? ["text", "dataset", "model", "reference"];
            foreach (var m in metrics)
            {
                if (!KnownMetrics.Contains(m, StringComparer.Ordinal))
                {
                    throw Error($"metrics: unknown metric '{m}' (known: {string.Join(", ", KnownMetrics)})");
                }
            }

            AgreementSpec? agreement = null;
            if (root["agreement"] is { } agreementNode)
            {
                var o = Obj(agreementNode, "agreement");
                Keys(o, AgreementKeys, "agreement.");
                var list = StrList(Required(o, "models", "agreement."), "agreement.models")!;
                foreach (var m in list.Where(m => !models.Contains(m)))
                {
                    throw Error($"agreement.models: unknown model '{m}' (models: {string.Join(", ", models)})");
                }

                agreement = new AgreementSpec(list, SetLabel(o["context_set"], "agreement.context_set", sets) ?? sets[0].Label);
            }
            else if (metrics.Contains("agreement"))
            {
                agreement = new AgreementSpec(variants, sets[0].Label);
            }

            if (metrics.Contains("agreement") && (agreement is null || agreement.Models.Count < 2))
            {
                throw Error("metrics: 'agreement' needs at least two models (agreement.models, or two entries in hyperfit.variants)");
            }

            if (metrics.Contains("sweep") && sweep is null)
            {
                throw Error("metrics: 'sweep' needs hyperfit.sample_sweep");
            }

            var seeds = LongList(root["seeds"], "seeds") ?? [42];
            if (hyperfitVariants.FirstOrDefault(v => v.ImportedRun is not null) is { } imported && seeds.Count > 1)
            {
                throw Error($"seeds: hyperfit.variants.{imported.Label} is an imported run, one trained model; a spec with imported runs has one seed");
            }

            Unique(seeds.Select(s => s.ToString(CultureInfo.InvariantCulture)).ToList(), "seeds");
            var newTokens = Int(root["new_tokens"], "new_tokens", min: 1) ?? 224;
            var labels = decoding.Select(d => d.Label).ToHashSet(StringComparer.Ordinal);
            var sideBySide = StrList(root["side_by_side"], "side_by_side");
            foreach (var l in sideBySide?.Where(l => !labels.Contains(l)) ?? [])
            {
                throw Error($"side_by_side: unknown decoding '{l}' (decoding: {string.Join(", ", labels)})");
            }

            sideBySide ??= DefaultSideBySide(decoding);

            var maxPositions = Checkpoints.HfModelLoader.ReadConfig(baseModel).MaxPositions;
            foreach (var set in sets.Where(s => s.ContextTokens + 1 + newTokens > maxPositions))
            {
                throw Error(string.Create(CultureInfo.InvariantCulture,
                    $"context_sets.{set.Label}: context_tokens ({set.ContextTokens}) + BOS + new_tokens ({newTokens}) exceeds the base model's max positions ({maxPositions})"));
            }

            var downstream = root["downstream"] is { } downstreamNode ? ReadDownstream(downstreamNode, models, variants) : [];
            var canonical = root.ToJsonString();
            return new ExperimentSpec
            {
                SpecFile = file,
                Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))),
                Json = root,
                BaseModelDir = baseModel,
                HyperfitData = data,
                HyperfitTextField = textField,
                Recipe = recipe,
                HyperfitVariants = hyperfitVariants,
                SampleSweep = sweep,
                ContextSets = sets,
                Decoding = decoding,
                Agreement = agreement,
                Metrics = metrics,
                Seeds = seeds,
                NewTokens = newTokens,
                BatchSize = Int(root["batch_size"], "batch_size", min: 1) ?? 8,
                SamplesPerSet = Int(root["samples_per_set"], "samples_per_set", min: 0) ?? 3,
                SideBySide = sideBySide,
                Device = Device(Str(root["device"], "device") ?? "cpu"),
                Downstream = downstream,
            };
        }

        /// <summary>The samples show what the tables compare: the base model's plain greedy decoding, the first sampling
        /// one (§4's top-p baseline), the first trained model's plain greedy one and the first citation-blocked one, in spec
        /// order (whichever exist).</summary>
        private static List<string> DefaultSideBySide(List<DecodingSpec> decoding)
        {
            DecodingSpec?[] picks =
            [
                decoding.FirstOrDefault(d => d.Model == BaseModel && ExperimentTables.PlainGreedy(d)) ?? decoding.FirstOrDefault(d => d.Model == BaseModel),
                decoding.FirstOrDefault(d => d.Config.Strategy == DecodingStrategy.Sample),
                decoding.FirstOrDefault(d => d.Model != BaseModel && ExperimentTables.PlainGreedy(d)) ?? decoding.FirstOrDefault(d => d.Model != BaseModel),
                decoding.FirstOrDefault(d => d.BlockCitations),
            ];
            var chosen = picks.OfType<DecodingSpec>().ToHashSet();
            return [.. decoding.Where(chosen.Contains).Select(d => d.Label)];
        }

        /// <summary><c>downstream</c>: an object with <c>mmlu</c> and/or <c>glue</c>, each <c>hyperfit downstream</c>'s
        /// settings as keys (data folder, models, scoring, shots, …).</summary>
        private List<DownstreamSpec> ReadDownstream(JsonNode node, HashSet<string> models, List<string> variants)
        {
            var result = new List<DownstreamSpec>();
            var entries = Obj(node, "downstream");
            if (entries.Count == 0)
            {
                throw Error("downstream: name mmlu and/or glue (or leave the key out)");
            }

            foreach (var (benchmark, entry) in entries)
            {
                var where = $"downstream.{benchmark}";
                if (!DownstreamSpec.Tables.ContainsKey(benchmark))
                {
                    throw Error($"unknown key '{where}' (known here: {string.Join(", ", DownstreamSpec.Tables.Keys)})");
                }

                var o = Obj(entry, where);
                Keys(o, DownstreamKeys, where + ".");
                var data = PathOf(Required(o, "data", where + "."), where + ".data", directory: true);
                var list = StrList(o["models"], where + ".models") ?? [BaseModel, .. variants];
                Unique(list, where + ".models");
                foreach (var m in list.Where(m => !models.Contains(m)))
                {
                    throw Error($"{where}.models: unknown model '{m}' (models: {string.Join(", ", models)})");
                }

                var scoringName = Str(o["scoring"], where + ".scoring");
                var scoring = scoringName is null ? DownstreamSpec.DefaultScoring(benchmark)
                    : Enum.GetValues<Evaluation.Downstream.DownstreamScoring>().Cast<Evaluation.Downstream.DownstreamScoring?>()
                          .FirstOrDefault(v => string.Equals(v.ToString()!.ToLowerInvariant(), scoringName, StringComparison.Ordinal))
                      ?? throw Error($"{where}.scoring: unknown scoring '{scoringName}' (known: official, harness, generate)");

                var shots = o["shots"] is { } shotsNode ? IntList(shotsNode, where + ".shots", min: 0) : DownstreamSpec.DefaultShots(benchmark);
                var tasks = StrList(o["tasks"], where + ".tasks");
                var split = Str(o["split"], where + ".split") ?? "test";
                var settings = new Evaluation.Downstream.DownstreamSettings
                {
                    Scoring = scoring,
                    Shots = shots,
                    MaxLength = Int(o["max_length"], where + ".max_length", min: 1),
                    BatchTokens = Int(o["batch_tokens"], where + ".batch_tokens", min: 1) ?? 4096,
                    Seed = LongValue(o["seed"], where + ".seed") ?? 1234,
                    GenerateTokens = Int(o["generate_tokens"], where + ".generate_tokens", min: 1) ?? 5,
                    Limit = Int(o["limit"], where + ".limit", min: 1),
                };
                var spec = new DownstreamSpec(benchmark, data, settings, list, tasks, split);
                if (benchmark == Evaluation.Downstream.DownstreamRequest.Glue && o["split"] is not null)
                {
                    throw Error($"{where}.split: GLUE is evaluated on its dev splits; split applies to mmlu only");
                }

                try
                {
                    spec.Request([.. list], Models.ModelOptions.Default).Validate();
                }
                catch (ArgumentException e)
                {
                    throw Error($"{where}: {e.Message.Split(" (Parameter", 2)[0]}");
                }

                result.Add(spec);
            }

            return result;
        }

        /// <summary>The recipe an imported run was trained with, from its training_log.json (written by
        /// <c>hyperfit import-run</c>, which marks it with <c>imported_from</c>).</summary>
        private HyperfitRecipe ImportedRecipe(string run, string key)
        {
            var log = Path.Combine(run, Training.TrainingLog.FileName);
            if (!System.IO.File.Exists(log) || !System.IO.File.Exists(Path.Combine(run, Training.HyperfitTrainer.FinalDirectoryName, "config.json")))
            {
                throw Error($"{key}: {run} is not an imported run (needs {Training.TrainingLog.FileName} and final/config.json; make it with hyperfit import-run)");
            }

            try
            {
                var config = JsonNode.Parse(System.IO.File.ReadAllText(log))?["config"] as JsonObject;
                if (config?["imported_from"] is not JsonObject || config["recipe"] is not JsonObject recipeJson)
                {
                    throw Error($"{key}: {log} has no config.imported_from and config.recipe (not written by hyperfit import-run)");
                }

                return HyperfitRecipe.Parse(recipeJson.ToJsonString(), $"{log}: config.recipe").Validate();
            }
            catch (JsonException e)
            {
                throw Error($"{key}: {log} is not valid JSON ({StrictJson.FirstLine(e.Message)})");
            }
            catch (FieldException e)
            {
                throw Error($"{key}: {log}: config.recipe: {SpecKeys.Describe(e)}");
            }
        }

        private long? LongValue(JsonNode? node, string key) => node switch
        {
            null => null,
            JsonValue v when v.TryGetValue<long>(out var l) => l,
            _ => throw Error($"key '{key}' must be an integer (got {Kind(node)} {node.ToJsonString()})"),
        };

        /// <summary>The device, checked now (<see cref="SpecKeys.DeviceProblem"/>).</summary>
        private string Device(string name) => SpecKeys.DeviceProblem(name) is { } problem ? throw Error(problem) : name;

        /// <summary>A recipe file (over the paper's preset) or an object of overrides over <paramref name="basis"/>
        /// (null: the paper's preset).</summary>
        private HyperfitRecipe ReadRecipe(JsonNode? node, string key, HyperfitRecipe? basis)
        {
            try
            {
                var recipe = node switch
                {
                    null => basis ?? HyperfitRecipe.Paper,
                    JsonValue v when v.GetValueKind() == JsonValueKind.String =>
                        HyperfitRecipe.Load(PathOf(v, key, directory: false)),
                    JsonObject o => HyperfitRecipe.Parse(o.ToJsonString(), $"{file}: {key}", basis),
                    _ => throw Error($"{key} must be a path (string) or an object of recipe overrides (got {Kind(node)})"),
                };
                return recipe.Validate();
            }
            catch (FieldException e)
            {
                throw Error(SpecKeys.Describe(e, new Dictionary<string, string> { ["recipe"] = key }));
            }
        }

        /// <summary><c>hyperfit.variants</c> as a list of data-variant names (default: <c>["hyperfitted"]</c>), each
        /// hyperfitted on <c>hyperfit.data</c> with the spec's recipe.</summary>
        private List<HyperfitVariantSpec> ReadVariantList(JsonNode? node, HyperfitDataset data, HyperfitRecipe recipe)
        {
            var names = StrList(node, "hyperfit.variants") ?? ["hyperfitted"];
            foreach (var v in names.Where(v => !KnownVariants.ContainsKey(v)))
            {
                throw Error($"hyperfit.variants: unknown variant '{v}' (known: {string.Join(", ", KnownVariants.Keys)})");
            }

            Unique(names, "hyperfit.variants");
            return [.. names.Select(v => new HyperfitVariantSpec(v, data, recipe with { Variant = KnownVariants[v] }))];
        }

        /// <summary>
        /// <c>hyperfit.variants</c> as an object of labelled variants (§6.2: one model per type of data). Each entry
        /// may set <c>data</c> and <c>text_field</c> (default: <c>hyperfit.data</c> / <c>hyperfit.text_field</c>),
        /// <c>variant</c> (the data variant; default: the label when the label is a data variant's name, else
        /// <c>hyperfitted</c>) and <c>recipe</c> (overrides over <c>hyperfit.recipe</c>, or a recipe file).
        /// </summary>
        private List<HyperfitVariantSpec> ReadVariantObject(JsonNode? node, HyperfitDataset? shared, HyperfitRecipe recipe)
        {
            var entries = node as JsonObject
                ?? throw Error($"key 'hyperfit.variants' must be a list of variant names or an object of labelled variants (got {Kind(node)})");
            if (shared is null && entries.Count == 0)
            {
                throw Error("hyperfit: no hyperfitting data (set hyperfit.data, or list variants with their own data under hyperfit.variants)");
            }

            var result = new List<HyperfitVariantSpec>();
            foreach (var (label, entry) in entries)
            {
                var where = $"hyperfit.variants.{label}";
                if (label.Length == 0 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                {
                    throw Error($"{where}: a variant label must be ASCII letters, digits, '_' or '-' (it names steps and figure files)");
                }

                if (label == BaseModel)
                {
                    throw Error($"{where}: '{BaseModel}' is the base model's name; choose another label");
                }

                var o = Obj(entry, where);
                Keys(o, VariantKeys, where + ".");
                var file = o["data"] is { } d ? PathOf(d, where + ".data", directory: false)
                    : shared?.File ?? throw Error($"{where}: no data (set {where}.data or hyperfit.data)");
                var textField = Str(o["text_field"], where + ".text_field") ?? shared?.TextField ?? "text";
                var named = Str(o["variant"], where + ".variant");
                var dataVariant = named ?? (KnownVariants.ContainsKey(label) ? label : "hyperfitted");
                if (!KnownVariants.TryGetValue(dataVariant, out var variant))
                {
                    throw Error($"{where}.variant: unknown variant '{dataVariant}' (known: {string.Join(", ", KnownVariants.Keys)})");
                }

                if (KnownVariants.ContainsKey(label) && dataVariant != label)
                {
                    throw Error($"{where}.variant: the label '{label}' names a data variant, so its variant must be '{label}' (got '{dataVariant}'); choose another label");
                }

                if (o["recipe"] is JsonObject overrides)
                {
                    foreach (var fixedKey in FixedRecipeKeys.Where(overrides.ContainsKey))
                    {
                        throw Error($"{where}.recipe: '{fixedKey}' is set by {(fixedKey == "seed" ? "seeds" : where + ".variant")}, not by the recipe");
                    }
                }

                if (o["imported_run"] is { } importedNode)
                {
                    foreach (var trainingKey in ImportedRunForbiddenKeys.Where(o.ContainsKey))
                    {
                        throw Error($"{where}.{trainingKey}: an imported run was trained with the recipe in its training_log.json; leave {trainingKey} out");
                    }

                    var run = PathOf(importedNode, where + ".imported_run", directory: true);
                    result.Add(new HyperfitVariantSpec(label, new HyperfitDataset(file, textField), ImportedRecipe(run, where + ".imported_run")) { ImportedRun = run });
                    continue;
                }

                result.Add(new HyperfitVariantSpec(label, new HyperfitDataset(file, textField),
                    ReadRecipe(o["recipe"], where + ".recipe", recipe) with { Variant = variant }));
            }

            return result;
        }

        private DecodingSpec ReadDecoding(string label, JsonNode? node, HashSet<string> models, List<string> variants)
        {
            var where = $"decoding.{label}";
            var o = Obj(node, where);
            Keys(o, DecodingKeys, where + ".");
            var model = Str(Required(o, "model", where + "."), where + ".model")!;
            if (!models.Contains(model))
            {
                throw Error($"{where}.model: unknown model '{model}' (models: {string.Join(", ", models)})");
            }

            var strategy = Str(o["strategy"], where + ".strategy") ?? "greedy";
            var d = GenerationConfig.NucleusBaseline;
            var config = new GenerationConfig
            {
                Strategy = strategy switch
                {
                    "greedy" => DecodingStrategy.Greedy,
                    "sample" => DecodingStrategy.Sample,
                    _ => throw Error($"{where}.strategy must be greedy or sample (got '{strategy}')"),
                },
                Temperature = Double(o["temperature"], where + ".temperature") ?? d.Temperature,
                TopK = Int(o["top_k"], where + ".top_k", min: 0) ?? d.TopK,
                TopP = Double(o["top_p"], where + ".top_p") ?? d.TopP,
                RepetitionPenalty = Double(o["repetition_penalty"], where + ".repetition_penalty") ?? 1.0,
                NoRepeatNgramSize = Int(o["no_repeat_ngram_size"], where + ".no_repeat_ngram_size", min: 0) ?? 0,
                CitationNgram = Int(o["citation_ngram"], where + ".citation_ngram", min: 1) ?? CitationIndex.DefaultNgram,
            };
            try
            {
                config.Validate();
            }
            catch (FieldException e)
            {
                throw Error(SpecKeys.Describe(e, new Dictionary<string, string> { ["decoding"] = label }));
            }

            var block = o["block_citations"] is { } b ? Bool(b, where + ".block_citations") : false;
            var dataset = Str(o["dataset"], where + ".dataset");
            if (dataset is not null && model != BaseModel)
            {
                throw Error($"{where}.dataset: only base-model decodings choose their dataset; '{model}' is compared with the data it was hyperfitted on");
            }

            if (dataset is not null && !variants.Contains(dataset))
            {
                throw Error($"{where}.dataset: unknown variant '{dataset}' (hyperfit.variants: {string.Join(", ", variants)})");
            }

            return new DecodingSpec(label, model, config, block) { Dataset = dataset };
        }

        private string? SetLabel(JsonNode? node, string key, List<ContextSetSpec> sets)
        {
            var label = Str(node, key);
            if (label is not null && sets.All(s => s.Label != label))
            {
                throw Error($"{key}: unknown context set '{label}' (context_sets: {string.Join(", ", sets.Select(s => s.Label))})");
            }

            return label;
        }

        private string PathOf(JsonNode? node, string key, bool directory)
        {
            var raw = Str(node, key)!;
            var full = Path.GetFullPath(Path.Combine(_folder, raw));
            if (directory ? !Directory.Exists(full) : !System.IO.File.Exists(full))
            {
                throw Error($"{key}: {(directory ? "folder" : "file")} not found: {raw} (resolved to {full})");
            }

            return full;
        }

        private void Keys(JsonObject o, string[] known, string prefix)
        {
            foreach (var (key, _) in o)
            {
                if (!known.Contains(key, StringComparer.Ordinal))
                {
                    throw Error($"unknown key '{prefix}{key}' (known here: {string.Join(", ", known)})");
                }
            }
        }

        private JsonNode Required(JsonObject o, string key, string prefix) =>
            o[key] ?? throw Error($"missing key '{prefix}{key}'");

        private JsonObject Obj(JsonNode? node, string key) =>
            node as JsonObject ?? throw Error($"key '{key}' must be an object (got {Kind(node)})");

        private string? Str(JsonNode? node, string key) => node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => throw Error($"key '{key}' must be a string (got {Kind(node)})"),
        };

        private bool Bool(JsonNode node, string key) => node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error($"key '{key}' must be true or false (got {Kind(node)})"),
        };

        private double? Double(JsonNode? node, string key) => node switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
            _ => throw Error($"key '{key}' must be a number (got {Kind(node)})"),
        };

        private int? Int(JsonNode? node, string key, int min)
        {
            if (node is null)
            {
                return null;
            }

            if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<int>(out var i))
            {
                throw Error($"key '{key}' must be an integer (got {Kind(node)} {node.ToJsonString()})");
            }

            return i >= min ? i : throw Error(string.Create(CultureInfo.InvariantCulture, $"key '{key}' must be at least {min} (got {i})"));
        }

        private List<string>? StrList(JsonNode? node, string key) => node switch
        {
            null => null,
            JsonArray a => [.. a.Select((e, i) => Str(e, string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]")) ?? throw Error($"key '{key}' must not hold null"))],
            _ => throw Error($"key '{key}' must be an array of strings (got {Kind(node)})"),
        };

        private List<int> IntList(JsonNode node, string key, int min) => node is JsonArray a && a.Count > 0
            ? [.. a.Select((e, i) => Int(e, string.Create(CultureInfo.InvariantCulture, $"{key}[{i}]"), min) ?? throw Error($"key '{key}' must not hold null"))]
            : throw Error($"key '{key}' must be a non-empty array of integers (got {Kind(node)})");

        private List<long>? LongList(JsonNode? node, string key)
        {
            if (node is null)
            {
                return null;
            }

            if (node is not JsonArray a || a.Count == 0)
            {
                throw Error($"key '{key}' must be a non-empty array of integers (got {Kind(node)})");
            }

            return [.. a.Select(e => e is JsonValue v && v.TryGetValue<long>(out var l) ? l
                : throw Error($"key '{key}' must hold integers (got {Kind(e)} {e?.ToJsonString()})"))];
        }

        private void Unique(List<string> values, string key)
        {
            var duplicate = values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw Error($"key '{key}' lists '{duplicate.Key}' twice");
            }
        }

        private static string Kind(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant();

        private InvalidDataException Error(string message) => new($"{file}: {message}");
    }
}
